"""Editor sign-in: hashed credentials, signed cookies, the login and logout pages, the CLI."""

from __future__ import annotations

import io
import json
import shutil
import stat
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
import tornado.web
from tornado.testing import AsyncHTTPTestCase

from dashboard import auth
from dashboard.__main__ import main

SECRET = "test-cookie-secret"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """bcrypt's lowest cost: the scheme is the same, the tests are quick."""
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


@pytest.fixture(autouse=True)
def signin_db(tmp_path, monkeypatch):
    """Sign-ins live in the database: each test gets its own SQLite file."""
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'signins.sqlite'}")


@pytest.fixture
def editors(tmp_path, monkeypatch):
    path = tmp_path / "editors.json"
    monkeypatch.setenv(auth.EDITORS_FILE_ENV, str(path))
    auth.write_editor("nguyen.van.a", "mật khẩu đúng", path)
    return path


def test_the_file_holds_a_bcrypt_hash_never_the_password(editors):
    text = editors.read_text(encoding="utf-8")
    assert "mật khẩu đúng" not in text
    entry = json.loads(text)["editors"]["nguyen.van.a"]
    assert entry["hash"].startswith("$2b$04$")
    assert stat.S_IMODE(editors.stat().st_mode) == 0o600


def test_right_password_signs_in_case_and_spaces_aside(editors):
    assert auth.verify("nguyen.van.a", "mật khẩu đúng") == "nguyen.van.a"
    assert auth.verify("  Nguyen.Van.A ", "mật khẩu đúng") == "nguyen.van.a"
    assert auth.is_editor("NGUYEN.VAN.A")


@pytest.mark.parametrize("name, password", [
    ("nguyen.van.a", "mật khẩu sai"),
    ("nguyen.van.a", ""),
    ("nguyen.van.a", "Mật khẩu đúng"),
    ("tran.thi.b", "mật khẩu đúng"),
    ("", ""),
    ("nguyen.van.a", "x" * 200),  # over bcrypt's 72 bytes: refused, never truncated
])
def test_wrong_name_or_password_is_refused(editors, name, password):
    assert auth.verify(name, password) is None


def test_no_editors_file_means_no_editors(tmp_path, monkeypatch):
    monkeypatch.setenv(auth.EDITORS_FILE_ENV, str(tmp_path / "missing.json"))
    assert auth.read_editors() == {}
    assert auth.verify("nguyen.van.a", "mật khẩu đúng") is None
    assert not auth.is_editor("nguyen.van.a")


def test_a_damaged_file_signs_nobody_in_and_is_not_overwritten(editors):
    editors.write_text("{not json", encoding="utf-8")
    assert auth.verify("nguyen.van.a", "mật khẩu đúng") is None
    with pytest.raises(auth.EditorsFileError):
        auth.write_editor("tran.thi.b", "mật khẩu mới 1", editors)
    assert editors.read_text(encoding="utf-8") == "{not json"


def test_changing_and_removing_an_editor(editors):
    assert auth.write_editor("nguyen.van.a", "mật khẩu mới 2", editors) is True
    assert auth.verify("nguyen.van.a", "mật khẩu đúng") is None
    assert auth.verify("nguyen.van.a", "mật khẩu mới 2") == "nguyen.van.a"
    assert auth.write_editor("tran.thi.b", "mật khẩu thứ ba", editors) is False
    assert auth.write_editor("nguyen.van.a", None, editors) is True
    assert not auth.is_editor("nguyen.van.a") and auth.is_editor("tran.thi.b")


@pytest.mark.parametrize("name", ["", "có dấu cách", "a/b", "x" * 65, "tab\tname"])
def test_sign_in_names_are_checked(name):
    with pytest.raises(auth.EditorsFileError) as error:
        auth.check_name(name)
    assert error.value.vi and error.value.en


def test_vietnamese_names_are_allowed_in_nfc():
    decomposed = "tr\u0061\u0300n.b"  # à typed as a + combining grave accent
    assert auth.check_name(decomposed) == "tr\u00e0n.b"


@pytest.mark.parametrize("password", ["ngắn", "x" * 73, "đ" * 37])
def test_passwords_too_short_or_too_long_are_refused(password):
    with pytest.raises(auth.EditorsFileError):
        auth.hash_password(password)


def test_cookie_secret_from_the_environment_or_a_generated_file(tmp_path, monkeypatch):
    monkeypatch.delenv(auth.COOKIE_SECRET_ENV, raising=False)
    path = tmp_path / "sub" / ".cookie_secret"
    first = auth.cookie_secret(path)
    assert len(first) >= 60 and auth.cookie_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv(auth.COOKIE_SECRET_ENV, "from-the-environment")
    assert auth.cookie_secret(path) == "from-the-environment"


def signed(name: str, secret: str = SECRET, age_hours: float = 0, token: str | None = None) -> bytes:
    """A sign-in cookie as the login page sets it, for a sign-in recorded now."""
    token = token or auth.start_signin(auth.normalize_name(name))
    return tornado.web.create_signed_value(secret, auth.USER_COOKIE, f"{name}:{token}",
                                           clock=lambda: time.time() - age_hours * 3600)


def test_a_signed_cookie_names_the_editor_only_while_valid(editors):
    assert auth.signed_user(signed("nguyen.van.a"), SECRET) == "nguyen.van.a"
    assert auth.signed_user(signed("nguyen.van.a"), "another secret") is None
    assert auth.signed_user(signed("nguyen.van.a"), None) is None
    expired = signed("nguyen.van.a", age_hours=auth.SESSION_HOURS + 1)
    assert auth.signed_user(expired, SECRET) is None
    assert auth.signed_user(b"nguyen.van.a", SECRET) is None  # unsigned
    assert auth.signed_user(signed("tran.thi.b"), SECRET) is None  # not an editor
    unrecorded = tornado.web.create_signed_value(SECRET, auth.USER_COOKIE, "nguyen.van.a:made-up")
    assert auth.signed_user(unrecorded, SECRET) is None  # signed, but no such sign-in
    auth.write_editor("nguyen.van.a", None, editors)
    assert auth.signed_user(signed("nguyen.van.a"), SECRET) is None  # removed: locked out


def test_a_sign_in_older_than_the_limit_ends_even_with_a_fresh_cookie(editors, monkeypatch):
    cookie = signed("nguyen.van.a")
    signin = auth.signin_from_cookie(cookie, SECRET)
    assert auth.still_signed_in(signin)
    later = time.time() + auth.SESSION_HOURS * 3600 + 60
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert not auth.still_signed_in(signin)
    assert not auth.editor_may_act("nguyen.van.a", signin)


def test_sign_out_ends_the_sign_in_for_every_holder_of_the_cookie(editors):
    cookie = signed("nguyen.van.a")
    signin = auth.signin_from_cookie(cookie, SECRET)
    other = signed("nguyen.van.a")  # the same editor on another computer
    assert auth.revoke(cookie, SECRET)
    assert auth.signin_from_cookie(cookie, SECRET) is None  # the cookie, replayed
    assert not auth.still_signed_in(signin)  # an open page
    assert not auth.editor_may_act("nguyen.van.a", signin)
    assert auth.signed_user(other, SECRET) == "nguyen.van.a"  # the other sign-in holds
    assert not auth.revoke(cookie, SECRET)  # already ended
    assert not auth.revoke(b"forged", SECRET)


def test_an_unreachable_database_makes_everyone_a_viewer(editors, monkeypatch):
    cookie = signed("nguyen.van.a")
    signin = auth.signin_from_cookie(cookie, SECRET)
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////nonexistent-dir/x.sqlite")
    assert auth.get_user(FakeHandler(cookie)) == auth.GUEST
    assert not auth.still_signed_in(signin)


def test_outside_a_session_nobody_is_an_editor(editors):
    assert auth.session_editor() is None


@pytest.mark.parametrize("target, expected", [
    ("/?page=data&lang=en", "/?page=data&lang=en"),
    ("/app?page=map", "/app?page=map"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("https://evil.example/", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
    (None, "/"),
])
def test_returning_after_sign_in_stays_on_this_site(target, expected):
    assert auth.safe_next(target) == expected


def test_the_login_page_has_both_languages_and_loads_nothing_from_outside():
    for lang in ("vi", "en"):
        page = auth.login_page(lang, "/?page=data", '<input type="hidden" name="_xsrf">')
        assert auth.TEXT["title"][lang] in page and auth.TEXT["submit"][lang] in page
        assert "http://" not in page and "https://" not in page
        assert 'name="_xsrf"' in page


class LoginPagesTest(AsyncHTTPTestCase):
    """The handlers as Bokeh mounts them: /login and /logout, cookies signed with the secret."""

    def setUp(self):
        self.patch = pytest.MonkeyPatch()
        self.tmp = tempfile.mkdtemp()
        path = Path(self.tmp) / "editors.json"
        self.patch.setenv(auth.EDITORS_FILE_ENV, str(path))
        self.patch.setattr(auth, "BCRYPT_ROUNDS", 4)
        self.patch.setattr(auth, "FAILURE_DELAY_S", 0)
        self.patch.setattr(auth, "_failures", type(auth._failures)(auth._failures.default_factory))
        self.patch.setenv("DASHBOARD_DB_URL", f"sqlite:///{Path(self.tmp) / 'signins.sqlite'}")
        auth.write_editor("nguyen.van.a", "mật khẩu đúng", path)
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.patch.undo()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def get_app(self):
        return tornado.web.Application(
            [(auth.login_url, auth.LoginHandler), (auth.logout_url, auth.LogoutHandler)],
            cookie_secret=SECRET,
        )

    def form(self, lang="vi"):
        response = self.fetch(f"/login?lang={lang}&next=%2F%3Fpage%3Ddata")
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = cookie.split("=", 1)[1]
        return response, cookie, token

    def post(self, name, password, with_token=True):
        _response, cookie, token = self.form()
        fields = {"username": name, "password": password}
        if with_token:
            fields["_xsrf"] = token
        return self.fetch("/login?lang=vi&next=%2F%3Fpage%3Ddata", method="POST",
                          body=urllib.parse.urlencode(fields), headers={"Cookie": cookie},
                          follow_redirects=False)

    def test_form_in_both_languages(self):
        vi, _cookie, _token = self.form("vi")
        assert vi.code == 200 and "Đăng nhập biên tập viên" in vi.body.decode()
        en, _cookie, _token = self.form("en")
        assert "Editor sign-in" in en.body.decode()

    def test_right_password_sets_a_signed_http_only_cookie_and_returns(self):
        response = self.post("nguyen.van.a", "mật khẩu đúng")
        assert response.code == 302 and response.headers["Location"] == "/?page=data"
        cookies = response.headers.get_list("Set-Cookie")
        user = next(c for c in cookies if c.startswith(f"{auth.USER_COOKIE}="))
        assert "HttpOnly" in user and "SameSite=Lax" in user
        value = user.split(";")[0].split("=", 1)[1].strip('"')
        assert auth.signed_user(value, SECRET) == "nguyen.van.a"

    def test_wrong_password_is_refused_with_a_message(self):
        response = self.post("nguyen.van.a", "sai rồi")
        assert response.code == 200  # the form again, with the message
        assert "Sai tên đăng nhập hoặc mật khẩu." in response.body.decode()
        assert not any(c.startswith(f"{auth.USER_COOKIE}=")
                       for c in response.headers.get_list("Set-Cookie"))

    def test_a_post_without_the_form_token_is_forbidden(self):
        assert self.post("nguyen.van.a", "mật khẩu đúng", with_token=False).code == 403

    def test_repeated_failures_are_throttled(self):
        for _ in range(auth.MAX_FAILURES):
            assert "Sai tên" in self.post("nguyen.van.a", "sai rồi").body.decode()
        response = self.post("nguyen.van.a", "mật khẩu đúng")
        assert response.code == 429 and "Sai quá nhiều lần" in response.body.decode()

    def sign_in(self) -> str:
        response = self.post("nguyen.van.a", "mật khẩu đúng")
        user = next(c for c in response.headers.get_list("Set-Cookie")
                    if c.startswith(f"{auth.USER_COOKIE}="))
        return user.split(";")[0]

    def test_logout_by_get_only_asks_and_ends_nothing(self):
        cookie = self.sign_in()
        value = cookie.split("=", 1)[1].strip('"')
        response = self.fetch("/logout?next=%2F%3Fpage%3Ddata&lang=en", headers={"Cookie": cookie},
                              follow_redirects=False)
        assert response.code == 200 and 'method="post"' in response.body.decode()
        assert "Sign out" in response.body.decode()
        assert auth.signed_user(value, SECRET) == "nguyen.van.a"
        without = self.fetch("/logout?next=%2F%3Fpage%3Ddata", follow_redirects=False)
        assert without.code == 302 and without.headers["Location"] == "/?page=data"

    def test_logout_without_the_form_token_is_forbidden(self):
        cookie = self.sign_in()
        response = self.fetch("/logout", method="POST", body="", headers={"Cookie": cookie},
                              follow_redirects=False)
        assert response.code == 403
        assert auth.signed_user(cookie.split("=", 1)[1].strip('"'), SECRET) == "nguyen.van.a"

    def test_logout_ends_the_sign_in_and_a_replayed_cookie_gets_no_editor_rights(self):
        cookie = self.sign_in()
        value = cookie.split("=", 1)[1].strip('"')
        form = self.fetch("/logout?next=%2F%3Fpage%3Ddata", headers={"Cookie": cookie})
        xsrf = next(c for c in form.headers.get_list("Set-Cookie") if c.startswith("_xsrf="))
        xsrf = xsrf.split(";")[0]
        token = xsrf.split("=", 1)[1]
        response = self.fetch("/logout?next=%2F%3Fpage%3Ddata", method="POST",
                              body=urllib.parse.urlencode({"_xsrf": token}),
                              headers={"Cookie": f"{cookie}; {xsrf}"}, follow_redirects=False)
        assert response.code == 302 and response.headers["Location"] == "/?page=data"
        assert any(c.startswith(f"{auth.USER_COOKIE}=;") or c.startswith(f'{auth.USER_COOKIE}="";')
                   for c in response.headers.get_list("Set-Cookie"))
        # The cookie captured before the sign-out, sent again: a viewer.
        assert auth.signed_user(value, SECRET) is None
        assert auth.get_user(FakeHandler(value.encode())) == auth.GUEST

    def test_twenty_parallel_wrong_passwords_are_refused_after_the_limit(self):
        checks, running, most = [], [0], [0]
        real_verify = auth.verify

        def counting_verify(name, password, path=None):
            running[0] += 1
            most[0] = max(most[0], running[0])
            try:
                time.sleep(0.05)  # a slow hash, so that requests overlap
                checks.append(name)
                return real_verify(name, password, path)
            finally:
                running[0] -= 1

        self.patch.setattr(auth, "verify", counting_verify)
        _response, cookie, token = self.form()
        body = urllib.parse.urlencode({"username": "nguyen.van.a", "password": "sai rồi",
                                       "_xsrf": token})

        async def attempt():
            return await self.http_client.fetch(
                self.get_url("/login?lang=vi"), method="POST", body=body,
                headers={"Cookie": cookie}, raise_error=False, follow_redirects=False)

        async def all_at_once():
            import asyncio

            return await asyncio.gather(*(attempt() for _ in range(20)))

        responses = self.io_loop.run_sync(all_at_once, timeout=60)
        codes = sorted(r.code for r in responses)
        assert codes.count(429) == 20 - auth.MAX_FAILURES, codes
        assert len(checks) == auth.MAX_FAILURES  # the refused ones never reached bcrypt
        assert most[0] <= auth.BCRYPT_SLOTS
        # The right password is refused too until the window passes.
        assert self.post("nguyen.van.a", "mật khẩu đúng").code == 429

    def test_one_name_is_throttled_across_addresses(self):
        self.patch.setattr(auth, "MAX_NAME_FAILURES", 3)
        for number in range(3):
            assert auth._admit(f"10.0.0.{number}", "nguyen.van.a")
        assert not auth._admit("10.0.0.99", "nguyen.van.a")
        assert auth._admit("10.0.0.99", "tran.thi.b")

    def test_the_cookie_is_secure_over_https_only(self):
        plain = self.post("nguyen.van.a", "mật khẩu đúng")
        user = next(c for c in plain.headers.get_list("Set-Cookie")
                    if c.startswith(f"{auth.USER_COOKIE}="))
        assert "Secure" not in user
        self.patch.setattr(auth, "_secure", lambda handler: True)
        secure = self.post("nguyen.van.a", "mật khẩu đúng")
        user = next(c for c in secure.headers.get_list("Set-Cookie")
                    if c.startswith(f"{auth.USER_COOKIE}="))
        assert "Secure" in user and "HttpOnly" in user and "SameSite=Lax" in user


class FakeHandler:
    """What get_user reads from Bokeh's request handler, and the request it marks."""

    def __init__(self, cookie: bytes | None, secret: str | None = SECRET):
        self._cookie = cookie.decode() if cookie else None
        self.application = type("App", (), {"settings": {"cookie_secret": secret}})()
        self.request = type("Request", (), {})()

    def get_cookie(self, name):
        return self._cookie if name == auth.USER_COOKIE else None


def test_get_user_is_the_editor_or_the_read_only_guest(editors):
    handler = FakeHandler(signed("nguyen.van.a"))
    assert auth.get_user(handler) == "nguyen.van.a"
    # The claim stays on the server, on the request object that creates the session.
    assert getattr(handler.request, auth.SIGNIN_ATTRIBUTE).name == "nguyen.van.a"
    assert auth.get_user(FakeHandler(None)) == auth.GUEST
    assert auth.get_user(FakeHandler(signed("nguyen.van.a", "forged"))) == auth.GUEST
    assert auth.get_user(FakeHandler(signed("nguyen.van.a"), secret=None)) == auth.GUEST


def test_cli_adds_changes_and_removes_an_editor(tmp_path, monkeypatch, capsys):
    path = tmp_path / "editors.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("mật khẩu đúng\n"))
    assert main(["add-editor", "Le.Thi.C", "--password-stdin", "--file", str(path)]) == 0
    assert "le.thi.c" in capsys.readouterr().out
    assert auth.verify("le.thi.c", "mật khẩu đúng", path) == "le.thi.c"
    monkeypatch.setattr("sys.stdin", io.StringIO("mật khẩu khác\n"))
    assert main(["add-editor", "le.thi.c", "--password-stdin", "--file", str(path)]) == 0
    assert auth.verify("le.thi.c", "mật khẩu khác", path) == "le.thi.c"
    assert main(["add-editor", "le.thi.c", "--remove", "--file", str(path)]) == 0
    assert auth.read_editors(path) == {}
    assert main(["add-editor", "le.thi.c", "--remove", "--file", str(path)]) == 1


def test_cli_refuses_a_short_password_and_a_mismatch(tmp_path, monkeypatch, capsys):
    path = tmp_path / "editors.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("ngắn\n"))
    assert main(["add-editor", "x", "--password-stdin", "--file", str(path)]) == 1
    assert "ít nhất 8 ký tự" in capsys.readouterr().err and not path.exists()
    answers = iter(["mật khẩu một", "mật khẩu hai"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add-editor", "x", "--file", str(path)]) == 1
    assert "không khớp" in capsys.readouterr().err and not path.exists()


def test_cli_uses_the_configured_file(tmp_path, monkeypatch):
    path = tmp_path / "configured.json"
    monkeypatch.setenv(auth.EDITORS_FILE_ENV, str(path))
    answers = iter(["mật khẩu đúng", "mật khẩu đúng"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add-editor", "pham.d"]) == 0
    assert auth.is_editor("pham.d", path)


# ------------------------------------------------------------------ editor actions on the data page

GOOD_CSV = (
    "unit_code,period,indicator_id,value,numerator,denominator,source\n"
    "271,2021,women_district_council_pct,,17,40,Sở Nội vụ Hà Nội\n"
).encode("utf-8")


@pytest.fixture
def data_db(seeded_db_url, tmp_path, monkeypatch):
    """A private copy of the seeded database, which also holds the sign-ins."""
    path = tmp_path / "dashboard.sqlite"
    shutil.copyfile(seeded_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


def served_data_page(db_url: str, signin, monkeypatch):
    """The data page as a served session builds it: the editor comes from the sign-in that
    get_user attached on the server, not from anything the page sends."""
    from dashboard.data import load_data
    from dashboard.pages.data import DataPage
    from dashboard.shell import new_state

    monkeypatch.setattr(auth, "session_signin", lambda: signin)
    data = load_data(db_url)
    return DataPage(state=new_state(data, page="data"), data=data)


def batch_count(db_url: str) -> int:
    from dashboard.importer import batch_history

    return len(batch_history(db_url))


def test_a_viewers_page_has_nothing_a_forged_message_could_reach(data_db, editors, monkeypatch):
    import panel as pn
    from bokeh.document import Document

    page = served_data_page(data_db, None, monkeypatch)
    assert page.editor is None
    document = Document()
    document.add_root(pn.panel(page).get_root(document))
    kinds = {type(model).__name__ for model in document.models}
    assert "FileInput" not in kinds
    css = {c for model in document.models for c in (getattr(model, "css_classes", None) or [])}
    assert not css & {"data-upload", "data-import", "data-check", "data-rollback"}
    before = batch_count(data_db)
    forged = {"events": [{"kind": "ModelChanged", "model": {"id": "p-forged-upload"},
                          "attr": "value", "new": "dW5pdF9jb2Rl"}]}
    with pytest.raises(Exception):
        document.apply_json_patch(forged)
    assert batch_count(data_db) == before


def test_after_sign_out_an_open_editor_page_can_neither_import_nor_roll_back(data_db, editors,
                                                                             monkeypatch):
    import asyncio

    cookie = signed("nguyen.van.a")
    signin = auth.signin_from_cookie(cookie, SECRET)
    page = served_data_page(data_db, signin, monkeypatch)
    assert page.editor == "nguyen.van.a"
    page._file.param.update(value=GOOD_CSV, filename="ba-vi-2021.csv")
    asyncio.run(page._on_import(None))  # still signed in: this import goes through
    imported = batch_count(data_db)
    assert page._result is not None and page._result.ok

    auth.revoke(cookie, SECRET)  # signed out, e.g. in another tab
    # What a message from the still-open page would trigger: a new file, a click on Import,
    # a confirmed rollback of the batch just imported.
    page._file.param.update(value=GOOD_CSV, filename="lan-hai.csv")
    asyncio.run(page._on_check(None))
    asyncio.run(page._on_import(None))
    assert "đăng nhập lại" in page._summary.object
    page._refresh_rollback_choices()
    page._rollback_confirm.value = True
    asyncio.run(page._on_rollback(None))
    assert page._rollback_result is not None and not page._rollback_result.ok
    assert batch_count(data_db) == imported

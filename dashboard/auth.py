"""Editor sign-in: a Bokeh/Panel auth module (`--auth-module dashboard/auth.py`, which
`python -m dashboard serve` passes), the hashed credentials file it checks, the sign-ins it
records in the database, and the cookie secret that signs its cookie.

Everyone may look: a request without a valid sign-in is the read-only user "guest", so
viewers never meet a login wall. `/login` (Vietnamese or English, no external CSS or fonts)
counts the attempt (per address and per name) before it checks a name and password against
the editors file, which holds only bcrypt hashes, with at most BCRYPT_SLOTS checks at once.
A right password adds a row to the `signins` table (dashboard.store) and sets a signed,
HTTP-only, SameSite=Lax `user` cookie holding the editor's name and the row's random token
(Secure when the request came over HTTPS). `/logout` asks, and its POST marks the row signed
out, so the cookie is worthless afterwards on every process and machine sharing the database.

The editor right is a server-side claim: `get_user` checks the cookie on every page and
websocket request and attaches the SignIn to that request object, which Bokeh keeps on the
server as the session's request; the launcher keeps the cookie itself out of the page.
`session_signin()` reads the claim; pages re-check it with `editor_may_act()` before every
editor action: not signed out, younger than SESSION_HOURS, still in the editors file.

Files and settings:

- `DASHBOARD_EDITORS_FILE` (default data/editors.json): {"editors": {name: {"hash": ...}}},
  written by `python -m dashboard add-editor NAME`. No file means no editors, only viewers.
- `DASHBOARD_COOKIE_SECRET`, else data/.cookie_secret (generated on first use, mode 0600):
  the launcher hands it to the server in-process, so every process of `--num-procs N` signs
  and checks cookies alike and sign-ins survive a restart.

Bokeh loads this file by path under a module name of its own; the names it looks for are
`get_user`, `login_url`, `LoginHandler`, `logout_url` and `LogoutHandler`. Imports are
absolute for that reason, and the loaded copy hands every call to the importable module.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict, deque
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import bcrypt
import tornado.web

from dashboard.store import DATA_DIR

EDITORS_FILE_ENV = "DASHBOARD_EDITORS_FILE"
DEFAULT_EDITORS_FILE = DATA_DIR / "editors.json"
COOKIE_SECRET_ENV = "DASHBOARD_COOKIE_SECRET"
COOKIE_SECRET_FILE = DATA_DIR / ".cookie_secret"
# The cookie Panel's BasicAuth uses too, so `pn.state.user` names the signed-in editor.
USER_COOKIE = "user"
GUEST = "guest"
# A sign-in lasts one working day at most (a shared office computer is common); the cookie
# itself is a browser-session cookie.
SESSION_HOURS = 12
# bcrypt's work factor: about 0.3-0.7 s per check on a 2-core server, slow for guessing.
BCRYPT_ROUNDS = 12
# bcrypt reads at most 72 bytes of a password; longer ones are refused, not truncated.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[\w.@-]{1,64}$")
# Sign-in attempts are counted before the password is checked: after this many from one address,
# or for one name, within the window, refuse until it passes. A name allows more, so that one
# office behind a shared address does not lock a colleague out as quickly as a guesser.
MAX_FAILURES, MAX_NAME_FAILURES, FAILURE_WINDOW_S = 5, 10, 300
# At most this many bcrypt checks run at once: each takes a core for about half a second.
BCRYPT_SLOTS = 2
# Every failed attempt waits this long (without blocking the server) before the answer.
FAILURE_DELAY_S = 1.0

# Where get_user leaves the sign-in on the request object that creates a session.
SIGNIN_ATTRIBUTE = "dashboard_signin"

log = logging.getLogger("dashboard.auth")

login_url = "/login"
logout_url = "/logout"


# ---------------------------------------------------------------- credentials file


class EditorsFileError(ValueError):
    """The editors file exists but cannot be used; said in both languages."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


def editors_file() -> Path:
    """Where the credentials live: $DASHBOARD_EDITORS_FILE or data/editors.json."""
    return Path(os.environ.get(EDITORS_FILE_ENV) or DEFAULT_EDITORS_FILE)


def normalize_name(name: str) -> str:
    """Names compare in NFC, without surrounding spaces, case-insensitively (stored lower)."""
    return unicodedata.normalize("NFC", str(name or "")).strip().lower()


def check_name(name: str) -> str:
    """The normalised name, or EditorsFileError when it cannot be a sign-in name."""
    normalized = normalize_name(name)
    if not NAME_PATTERN.fullmatch(normalized):
        raise EditorsFileError(
            "tên đăng nhập gồm 1-64 chữ, số hoặc các dấu . _ @ -, không có khoảng trắng",
            "a sign-in name has 1-64 letters, digits or . _ @ -, and no spaces",
        )
    return normalized


def check_password(password: str) -> bytes:
    """The password as bytes, or EditorsFileError when it is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise EditorsFileError(f"mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự",
                               f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        raise EditorsFileError(f"mật khẩu dài quá {MAX_PASSWORD_BYTES} byte",
                               f"the password is longer than {MAX_PASSWORD_BYTES} bytes")
    return encoded


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash ($2b$...) of a password that passes check_password."""
    salt = bcrypt.gensalt(rounds or BCRYPT_ROUNDS)
    return bcrypt.hashpw(check_password(password), salt).decode("ascii")


@functools.cache
def _dummy_hash() -> bytes:
    """Checked against when the name is unknown, at the same cost as real hashes, so that a
    wrong name takes as long as a wrong password and timing does not tell which names exist."""
    return bcrypt.hashpw(b"not a password", bcrypt.gensalt(BCRYPT_ROUNDS))


def read_editors(path: Path | None = None) -> dict[str, str]:
    """name -> bcrypt hash. A missing file means no editors; a broken one raises."""
    path = path or editors_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        entries = json.loads(text).get("editors", {})
        return {normalize_name(name): str(entry["hash"]) for name, entry in entries.items()}
    except (ValueError, AttributeError, KeyError, TypeError):
        raise EditorsFileError(f"tệp tài khoản biên tập {path} bị hỏng",
                               f"the editors file {path} is damaged") from None


_cache: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def _editors_cached(path: Path | None = None) -> dict[str, str]:
    """read_editors, re-read only when the file changes (get_user runs on every request)."""
    path = path or editors_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        _cache.pop(path, None)
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        try:
            cached = (stamp, read_editors(path))
        except EditorsFileError:
            cached = (stamp, {})  # a damaged file signs nobody in; add-editor reports it
        _cache[path] = cached
    return cached[1]


def is_editor(name: str | None, path: Path | None = None) -> bool:
    return bool(name) and normalize_name(name) in _editors_cached(path)


def verify(name: str, password: str, path: Path | None = None) -> str | None:
    """The editor's normalised name when `password` is theirs, else None.

    A missing or damaged file, an unknown name, a wrong or over-long password all give None.
    """
    key = normalize_name(name)
    stored = _editors_cached(path).get(key)
    encoded = (password or "").encode("utf-8")
    if stored is None or len(encoded) > MAX_PASSWORD_BYTES:
        bcrypt.checkpw(b"not a password", _dummy_hash())
        return None
    try:
        return key if bcrypt.checkpw(encoded, stored.encode("ascii")) else None
    except ValueError:  # a malformed hash in the file
        return None


def write_editor(name: str, password: str | None, path: Path | None = None,
                 rounds: int | None = None) -> bool:
    """Add or change an editor (or remove one when `password` is None).

    Returns True when the name was already there. The file is replaced atomically and
    readable by its owner only.
    """
    path = path or editors_file()
    key = check_name(name)
    document: dict = {"editors": {}}
    if path.exists():
        read_editors(path)  # refuse to overwrite a damaged file
        document = json.loads(path.read_text(encoding="utf-8"))
        document.setdefault("editors", {})
    existed = key in {normalize_name(n) for n in document["editors"]}
    document["editors"] = {n: e for n, e in document["editors"].items() if normalize_name(n) != key}
    if password is not None:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        document["editors"][key] = {"hash": hash_password(password, rounds), "changed": now}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".editors-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=2, sort_keys=True)
            out.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return existed


# ---------------------------------------------------------------- cookie secret


def cookie_secret(path: Path = COOKIE_SECRET_FILE) -> str:
    """$DASHBOARD_COOKIE_SECRET, else the secret in `path`, generated there on first use."""
    return os.environ.get(COOKIE_SECRET_ENV, "").strip() or stored_secret(path)


def stored_secret(path: Path) -> str:
    """The secret kept in `path`, generated there on first use, readable by its owner only."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:  # O_EXCL: when two processes race, the second reads the first one's secret
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(secret + "\n")
    return secret


# ---------------------------------------------------------------- sign-ins, kept in the database


class SignIn(NamedTuple):
    """An editor's sign-in as the server knows it. It lives on the server (attached to the
    request that opened the session), never in the page."""

    name: str
    token_hash: str
    created: float


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4)
def _signin_engine(url: str):
    """One connection pool per database, with the sign-in table created once."""
    from dashboard import store

    engine = store.create_db_engine(url)
    store.signins.create(engine, checkfirst=True)
    return engine


def _signins():
    from dashboard import store

    return _signin_engine(store.database_url()), store.signins


def start_signin(name: str) -> str:
    """Record a new sign-in of `name`; returns the random token its cookie carries."""
    token = secrets.token_urlsafe(32)
    engine, table = _signins()
    with engine.begin() as connection:
        connection.execute(table.insert().values(id=_hash_token(token), user_name=name,
                                                 created=time.time()))
    return token


def _current(token_hash: str, name: str) -> SignIn | None:
    """The sign-in row when it still holds: same editor, not signed out, younger than
    SESSION_HOURS, and the name still in the editors file."""
    engine, table = _signins()
    with engine.connect() as connection:
        row = connection.execute(table.select().where(table.c.id == token_hash)).first()
    if row is None or row.revoked is not None or row.user_name != name:
        return None
    if time.time() - row.created > SESSION_HOURS * 3600 or not is_editor(name):
        return None
    return SignIn(name, token_hash, row.created)


def _cookie_parts(signed_value: str | bytes | None, secret: str | None) -> tuple[str, str] | None:
    """(name, token) from a signed `user` cookie, if its signature and age are right."""
    if not signed_value or not secret:
        return None
    raw = tornado.web.decode_signed_value(secret, USER_COOKIE, signed_value,
                                          max_age_days=SESSION_HOURS / 24)
    if raw is None:
        return None
    name, _sep, token = raw.decode("utf-8", "replace").partition(":")
    return (normalize_name(name), token) if token else None


def signin_from_cookie(signed_value: str | bytes | None, secret: str | None) -> SignIn | None:
    """The sign-in a cookie stands for, if the signature, the database row, the age and the
    editors file all agree; else None."""
    parts = _cookie_parts(signed_value, secret)
    return _current(_hash_token(parts[1]), parts[0]) if parts else None


def signed_user(signed_value: str | bytes | None, secret: str | None) -> str | None:
    """The editor named by a valid sign-in cookie, else None."""
    signin = signin_from_cookie(signed_value, secret)
    return signin.name if signin else None


def revoke(signed_value: str | bytes | None, secret: str | None) -> bool:
    """Sign out: the sign-in the cookie stands for ends on every process sharing the database."""
    parts = _cookie_parts(signed_value, secret)
    if parts is None:
        return False
    engine, table = _signins()
    with engine.begin() as connection:
        done = connection.execute(table.update()
                                  .where(table.c.id == _hash_token(parts[1]), table.c.revoked.is_(None))
                                  .values(revoked=time.time()))
    return bool(done.rowcount)


def still_signed_in(signin: SignIn | None) -> bool:
    """Asked again before every editor action: not signed out, not too old, still an editor."""
    if signin is None:
        return False
    try:
        return _current(signin.token_hash, signin.name) is not None
    except Exception:  # the database is unreachable: no editing until it is back
        log.exception("cannot check the sign-in of %s", signin.name)
        return False


def session_signin() -> SignIn | None:
    """The editor's sign-in behind the current Panel session, if it still holds.

    get_user attaches it to the HTTP request that created the session (the page, or the
    websocket when another process builds the session); Bokeh keeps that request object on
    the server, so the claim never travels through the page.
    """
    import panel as pn

    context = pn.state.curdoc.session_context if pn.state.curdoc is not None else None
    request = getattr(context, "request", None) if context is not None else None
    signin = getattr(request, SIGNIN_ATTRIBUTE, None)
    return signin if isinstance(signin, SignIn) and still_signed_in(signin) else None


def session_editor() -> str | None:
    """The editor signed in to the current Panel session, or None for a viewer."""
    signin = session_signin()
    return signin.name if signin else None


def editor_may_act(name: str | None, signin: SignIn | None) -> bool:
    """Checked at the top of every editor action. A served session acts on its sign-in (age,
    sign-out and the editors file included); code that names the editor itself (a notebook,
    a test) needs only the name to be in the editors file."""
    if signin is None:
        return is_editor(name)
    return signin.name == normalize_name(name or "") and still_signed_in(signin)


def get_user(request_handler: tornado.web.RequestHandler) -> str:
    """Bokeh's hook: the signed-in editor, or the read-only guest (never a login wall)."""
    secret = request_handler.application.settings.get("cookie_secret")
    try:
        signin = signin_from_cookie(request_handler.get_cookie(USER_COOKIE), secret)
    except Exception:  # the database is unreachable: everyone views, nobody edits
        log.exception("cannot read editor sign-ins")
        signin = None
    request = getattr(request_handler, "request", None)
    if request is not None:
        setattr(request, SIGNIN_ATTRIBUTE, signin)
    return signin.name if signin else GUEST


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to return to; anything pointing elsewhere becomes `default`."""
    target = (target or "").replace("\\", "/").strip()
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


# ---------------------------------------------------------------- login and logout pages

TEXT = {
    "title": {"vi": "Đăng nhập biên tập viên", "en": "Editor sign-in"},
    "app": {"vi": "Bảng theo dõi bình đẳng giới Hà Nội", "en": "Hà Nội gender-equality dashboard"},
    "intro": {
        "vi": "Chỉ biên tập viên cần đăng nhập, để nhập hoặc hoàn tác số liệu. Mọi người xem "
        "bảng theo dõi mà không cần đăng nhập.",
        "en": "Only editors sign in, to import or roll back figures. Everyone can view the "
        "dashboard without signing in.",
    },
    "name": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "back": {"vi": "← Quay lại bảng theo dõi", "en": "← Back to the dashboard"},
    "other": {"vi": "English", "en": "Tiếng Việt"},
    "wrong": {"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong user name or password."},
    "throttled": {
        "vi": "Sai quá nhiều lần. Hãy đợi vài phút rồi thử lại.",
        "en": "Too many failed attempts. Wait a few minutes and try again.",
    },
    "no_editors": {
        "vi": "Máy chủ này chưa có tài khoản biên tập viên. Quản trị viên thêm tài khoản bằng "
        "lệnh: python -m dashboard add-editor TÊN",
        "en": "This server has no editor accounts yet. An administrator adds one with: "
        "python -m dashboard add-editor NAME",
    },
    "store_down": {
        "vi": "Không ghi được phiên đăng nhập vào cơ sở dữ liệu. Hãy thử lại sau ít phút.",
        "en": "The sign-in could not be recorded in the database. Try again in a few minutes.",
    },
    "logout_title": {"vi": "Đăng xuất", "en": "Sign out"},
    "logout_question": {
        "vi": "Kết thúc phiên biên tập trên mọi trang đang mở?",
        "en": "End the editor sign-in on every open page?",
    },
    "logout_submit": {"vi": "Đăng xuất", "en": "Sign out"},
    "no_secret": {
        "vi": "Máy chủ chưa được cấu hình để đăng nhập (thiếu khóa bí mật cookie). Hãy chạy "
        "bằng lệnh make run.",
        "en": "This server is not set up for sign-in (no cookie secret). Start it with make run.",
    },
}

PAGE_STYLE = """
body { font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
  sans-serif; margin: 0; background: #f6f3f9; color: #222; }
header { background: #5b2a86; color: #fff; padding: 10px 16px; }
header .app { font-size: 1.05rem; font-weight: 600; }
main { max-width: 420px; margin: 32px auto; background: #fff; border: 1px solid #d6d0dc;
  border-radius: 8px; padding: 20px 24px; }
h1 { font-size: 1.4rem; margin: 0 0 8px; color: #2d1547; }
p { line-height: 1.45; }
label { display: block; font-weight: 600; margin: 14px 0 4px; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; font-size: 1rem;
  padding: 8px 10px; border: 1px solid #999; border-radius: 4px; }
button { margin-top: 18px; width: 100%; font-size: 1rem; padding: 10px; border: 0;
  border-radius: 4px; background: #5b2a86; color: #fff; font-weight: 600; cursor: pointer; }
.error { background: #fdecea; border: 1px solid #b2182b; color: #7f1020; padding: 8px 10px;
  border-radius: 4px; }
.note { background: #fff3e0; border: 1px solid #8a4b00; color: #5c3200; padding: 8px 10px;
  border-radius: 4px; }
nav { display: flex; justify-content: space-between; margin-top: 18px; font-size: 0.95rem; }
a { color: #5b2a86; }
@media (max-width: 480px) { main { margin: 12px; padding: 16px; } }
"""


def login_page(lang: str, next_url: str, xsrf_html: str, error: str = "", note: str = "") -> str:
    """The sign-in form in `lang`; everything inline so it works with no outside access."""
    other = "en" if lang == "vi" else "vi"
    switch = "?" + urlencode({"lang": other, "next": next_url})
    back = html.escape(next_url, quote=True)
    error_html = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TEXT["title"][lang]} · {TEXT["app"][lang]}</title>
<style>{PAGE_STYLE}</style></head>
<body><header><div class="app">{TEXT["app"][lang]}</div></header>
<main><h1>{TEXT["title"][lang]}</h1><p>{TEXT["intro"][lang]}</p>{note_html}{error_html}
<form method="post" action="?{html.escape(urlencode({"lang": lang, "next": next_url}))}">
{xsrf_html}
<label for="username">{TEXT["name"][lang]}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none"
 spellcheck="false" required autofocus>
<label for="password">{TEXT["password"][lang]}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">{TEXT["submit"][lang]}</button>
</form>
<nav><a href="{back}">{TEXT["back"][lang]}</a>
<a href="{html.escape(switch, quote=True)}" lang="{other}">{TEXT["other"][lang]}</a></nav>
</main></body></html>"""


def logout_page(lang: str, next_url: str, xsrf_html: str) -> str:
    """Asks before signing out: signing out is a POST with the form token, so that no link
    or image on another site can sign an editor out."""
    back = html.escape(next_url, quote=True)
    action = html.escape(urlencode({"lang": lang, "next": next_url}))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TEXT["logout_title"][lang]} · {TEXT["app"][lang]}</title>
<style>{PAGE_STYLE}</style></head>
<body><header><div class="app">{TEXT["app"][lang]}</div></header>
<main><h1>{TEXT["logout_title"][lang]}</h1><p>{TEXT["logout_question"][lang]}</p>
<form method="post" action="?{action}">
{xsrf_html}
<button type="submit">{TEXT["logout_submit"][lang]}</button>
</form>
<nav><a href="{back}">{TEXT["back"][lang]}</a></nav>
</main></body></html>"""


# Sign-in attempts per client address and per name (per process), for the throttle.
_failures: dict[str, deque] = defaultdict(deque)
_failures_lock = threading.Lock()
_bcrypt_slots = threading.BoundedSemaphore(BCRYPT_SLOTS)


def _recent_failures(key: str) -> deque:
    times = _failures[key]
    while times and times[0] < time.monotonic() - FAILURE_WINDOW_S:
        times.popleft()
    return times


def _admit(address: str, name: str) -> bool:
    """Count a sign-in attempt before its password is checked; False when over the limit.

    Counting first means that parallel requests cannot all slip in before the first failure
    is written down.
    """
    with _failures_lock:
        by_address = _recent_failures(f"address:{address}")
        by_name = _recent_failures(f"name:{name}")
        if len(by_address) >= MAX_FAILURES or len(by_name) >= MAX_NAME_FAILURES:
            return False
        now = time.monotonic()
        by_address.append(now)
        by_name.append(now)
        return True


def _forgive(address: str, name: str) -> None:
    """A right password: the attempts before it no longer count."""
    with _failures_lock:
        _failures.pop(f"address:{address}", None)
        _failures.pop(f"name:{name}", None)


def _verify_in_turn(name: str, password: str) -> str | None:
    """verify, waiting for one of the BCRYPT_SLOTS (runs in a worker thread)."""
    with _bcrypt_slots:
        return verify(name, password)


def _secure(handler: tornado.web.RequestHandler) -> bool:
    """Cookies get the Secure flag over HTTPS. Behind nginx, the request says https only when
    the server trusts the proxy's X-Forwarded-Proto (`--trust-proxy`)."""
    return handler.request.protocol == "https"


class LoginHandler(tornado.web.RequestHandler):
    """GET shows the form; POST checks the name and password against the editors file."""

    def _lang(self) -> str:
        return "en" if self.get_argument("lang", "vi") == "en" else "vi"

    def _next(self) -> str:
        return safe_next(self.get_argument("next", None))

    def _render(self, error: str = "", status: int = 200) -> None:
        lang = self._lang()
        note = ""
        if not self.application.settings.get("cookie_secret"):
            note = TEXT["no_secret"][lang]
        elif not _editors_cached():
            note = TEXT["no_editors"][lang]
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        self.write(login_page(lang, self._next(), self.xsrf_form_html(), error, note))

    def get(self) -> None:
        self._render()

    async def post(self) -> None:
        self.check_xsrf_cookie()  # tornado's own check, even where the server does not enable it
        lang = self._lang()
        address = self.request.remote_ip or "?"
        name = self.get_body_argument("username", "")
        password = self.get_body_argument("password", "")
        key = normalize_name(name)[:64]
        if not _admit(address, key):
            log.warning("editor sign-in as %r from %s refused: too many attempts", key, address)
            self._render(TEXT["throttled"][lang], status=429)
            return
        secret = self.application.settings.get("cookie_secret")
        loop = asyncio.get_running_loop()
        # bcrypt is slow on purpose: check in a worker thread so other sessions carry on.
        editor = await loop.run_in_executor(None, _verify_in_turn, name, password)
        if editor is None or not secret:
            log.warning("failed editor sign-in as %r from %s", key, address)
            await asyncio.sleep(FAILURE_DELAY_S)
            # 200, not 401: the form itself answers, and browsers log a 401 page as an error.
            self._render(TEXT["wrong"][lang])
            return
        try:
            token = await loop.run_in_executor(None, start_signin, editor)
        except Exception:
            log.exception("cannot record the sign-in of %s", editor)
            self._render(TEXT["store_down"][lang], status=503)
            return
        _forgive(address, key)
        log.info("editor %s signed in from %s", editor, address)
        self.clear_cookie("is_guest", path="/")
        self.set_signed_cookie(USER_COOKIE, f"{editor}:{token}", expires_days=None, httponly=True,
                               samesite="Lax", secure=_secure(self), path="/")
        self.redirect(self._next())


class LogoutHandler(tornado.web.RequestHandler):
    """GET asks for confirmation; POST ends the sign-in everywhere and returns to `next`."""

    def _lang(self) -> str:
        return "en" if self.get_argument("lang", "vi") == "en" else "vi"

    def _next(self) -> str:
        return safe_next(self.get_argument("next", None))

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        if not self.get_cookie(USER_COOKIE):
            self.redirect(self._next())
            return
        self.set_header("X-Frame-Options", "DENY")
        self.write(logout_page(self._lang(), self._next(), self.xsrf_form_html()))

    async def post(self) -> None:
        self.check_xsrf_cookie()
        cookie = self.get_cookie(USER_COOKIE)
        secret = self.application.settings.get("cookie_secret")
        try:
            await asyncio.get_running_loop().run_in_executor(None, revoke, cookie, secret)
        except Exception:
            log.exception("cannot record a sign-out")
            self.set_status(503)
            self.write(TEXT["store_down"][self._lang()])
            return
        for name in (USER_COOKIE, "id_token", "is_guest"):
            self.clear_cookie(name, path="/", secure=_secure(self), samesite="Lax")
        self.set_header("Cache-Control", "no-store")
        self.redirect(self._next())


# Bokeh loads this file under a name of its own. Everything it calls is taken from the
# importable module, so that one throttle, one set of classes and one SERVED flag exist, and
# pages offer the sign-in link only where /login exists.
SERVED = False
if __name__ != "dashboard.auth":
    import dashboard.auth as _importable

    _importable.SERVED = True
    SERVED = True
    get_user = _importable.get_user
    LoginHandler = _importable.LoginHandler  # noqa: F811
    LogoutHandler = _importable.LogoutHandler  # noqa: F811

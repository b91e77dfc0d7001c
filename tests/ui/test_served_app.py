"""The served app over plain HTTP: entry URLs answer directly, resources are local, health ok."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import pytest

LOCAL_HOSTS = {"localhost", "127.0.0.1"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surface 3xx as HTTPError instead of following it


_opener = urllib.request.build_opener(_NoRedirect)


@lru_cache(maxsize=None)
def fetch(url: str, timeout: float = 60) -> tuple[int, dict, bytes]:
    """GET `url` without following redirects: (status, headers, body); cached per URL."""
    try:
        with _opener.open(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("path", ["/", "/app?lang=en"])
def test_entry_urls_answer_without_redirect(served_app_url, path):
    status, headers, body = fetch(served_app_url + path)
    assert status == 200, f"{path}: HTTP {status} (Location: {headers.get('Location')})"
    html = body.decode("utf-8")
    assert "<title>Bình đẳng giới Hà Nội / Hà Nội gender equality</title>" in html
    assert "Bokeh" in html


def test_page_references_only_its_own_host(served_app_url):
    status, _headers, body = fetch(served_app_url + "/")
    assert status == 200
    html = body.decode("utf-8")
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts, "no script resources found in the page"
    for ref in references:
        host = urlsplit(urljoin(served_app_url + "/", ref)).hostname
        assert host in LOCAL_HOSTS, f"resource from another host: {ref}"
    for src in scripts:
        status, _headers, _body = fetch(urljoin(served_app_url + "/", src))
        assert status == 200, f"{src}: HTTP {status}"


def test_liveness(served_app_url):
    status, _headers, body = fetch(served_app_url + "/liveness", timeout=10)
    assert status == 200
    health = json.loads(body)
    assert health and all(health.values()), health


def test_unknown_path_is_not_found(served_app_url):
    status, _headers, _body = fetch(served_app_url + "/no-such-page", timeout=10)
    assert status == 404

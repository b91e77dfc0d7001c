"""Render deploy/nginx/hanoi-dashboard.conf for a given host name, certificate and instances.

The template's placeholders are ${UPPER_CASE} names; nginx's own variables ($host,
$request_uri, ...) are lower case and pass through untouched. Only the standard library is
used, so this runs with the system python3 on a front server that has no dashboard install.

    python3 deploy/render_nginx.py --server-name dashboard.hanoi.local \\
        --instance 127.0.0.1:5101 --instance 127.0.0.1:5102 \\
        --certificate /etc/ssl/certs/dashboard.pem \\
        --certificate-key /etc/ssl/private/dashboard.key \\
        --out /etc/nginx/sites-available/hanoi-dashboard.conf

With --standalone DIR it writes DIR/nginx.conf (a complete main configuration with its pid
file, logs, temporary and cache directories inside DIR) next to DIR/hanoi-dashboard.conf,
for a front server that runs only this site, e.g. `nginx -p DIR -c DIR/nginx.conf`
as an unprivileged user on high ports.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent
SITE_TEMPLATE = DEPLOY_DIR / "nginx" / "hanoi-dashboard.conf"
MAIN_TEMPLATE = DEPLOY_DIR / "nginx" / "nginx.conf"
SITE_FILE_NAME = "hanoi-dashboard.conf"
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# HOST:PORT of one dashboard process; IPv6 literals in brackets.
INSTANCE = re.compile(r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$")
# nginx's rate syntax: a number of requests per second or per minute.
RATE = re.compile(r"^[0-9]+r/[sm]$")
# A new session costs about a second of CPU: 30 a minute per address, with a burst of 20,
# lets a meeting room open every page at once yet stops a script that loops on /.
DEFAULT_SESSION_RATE, DEFAULT_SESSION_BURST = "30r/m", 20
# Sign-in: a person mistypes a few times; a guesser is refused after the burst.
DEFAULT_LOGIN_RATE, DEFAULT_LOGIN_BURST = "10r/m", 5


class RenderError(ValueError):
    """A value that cannot go into the configuration, said in both languages."""


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every ${NAME} in `template`; an unknown or unused name is an error."""
    missing = sorted({name for name in PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise RenderError(f"thiếu giá trị cho / no value for: {', '.join(missing)}")
    unused = sorted(set(values) - set(PLACEHOLDER.findall(template)))
    if unused:
        raise RenderError(f"mẫu không dùng / the template has no: {', '.join(unused)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def check_value(name: str, value: str) -> str:
    """Refuse characters that would end an nginx directive or open a block."""
    if not value or re.search(r"[;{}\s'\"#$\\]", value):
        raise RenderError(f"{name}: giá trị không hợp lệ / invalid value {value!r}")
    return value


def instance_blocks(instances: list[str]) -> dict[str, str]:
    """The balanced server list, one upstream per instance (others as backups) and the maps
    between route numbers and instances."""
    for instance in instances:
        if not INSTANCE.match(instance):
            raise RenderError(f"--instance: cần HOST:PORT / expected HOST:PORT, got {instance!r}")
    if len(set(instances)) != len(instances):
        raise RenderError("--instance: một tiến trình được nêu hai lần / an instance is listed twice")
    servers = "\n".join(f"    server {address} max_fails=1 fail_timeout=10s;" for address in instances)
    groups, by_cookie, by_address = [], [], []
    for number, address in enumerate(instances, start=1):
        lines = [f"upstream hanoi_dashboard_{number} {{", f"    server {address} max_fails=1 fail_timeout=10s;"]
        lines += [f"    server {other} backup;" for other in instances if other != address]
        lines += ["    keepalive 4;", "}"]
        groups.append("\n".join(lines))
        by_cookie.append(f"    {number} hanoi_dashboard_{number};")
        # $upstream_addr lists every address tried ("a:1, b:2"); the last one answered.
        by_address.append(f'    "~(^|\\s){re.escape(address)}$" {number};')
    return {
        "UPSTREAM_SERVERS": servers,
        "INSTANCE_UPSTREAMS": "\n\n".join(groups),
        "ROUTE_BY_COOKIE": "\n".join(by_cookie),
        "ROUTE_BY_UPSTREAM_ADDR": "\n".join(by_address),
    }


def https_port_suffix(listen: str) -> str:
    """':8443' for a listen value on port 8443, '' for 443, for the HTTP -> HTTPS redirect."""
    port = listen.rsplit(":", 1)[-1]
    if not port.isdigit():
        raise RenderError(f"--https-listen: cần [ADDRESS:]PORT / expected [ADDRESS:]PORT, got {listen!r}")
    return "" if port == "443" else f":{port}"


def site_values(args: argparse.Namespace) -> dict[str, str]:
    for name in ("session_rate", "login_rate"):
        if not RATE.match(getattr(args, name)):
            raise RenderError(f"--{name.replace('_', '-')}: cần dạng 30r/m / expected e.g. 30r/m")
    values = {
        "SERVER_NAME": " ".join(check_value("--server-name", name) for name in args.server_name),
        "HTTPS_LISTEN": check_value("--https-listen", args.https_listen),
        "HTTP_LISTEN": check_value("--http-listen", args.http_listen),
        "HTTPS_PORT_SUFFIX": https_port_suffix(args.https_listen),
        "SSL_CERTIFICATE": check_value("--certificate", str(args.certificate)),
        "SSL_CERTIFICATE_KEY": check_value("--certificate-key", str(args.certificate_key)),
        "CACHE_DIR": check_value("--cache-dir", str(args.cache_dir)),
        "ACCESS_LOG": check_value("--access-log", str(args.access_log)),
        "SESSION_RATE": args.session_rate,
        "SESSION_BURST": str(args.session_burst),
        "LOGIN_RATE": args.login_rate,
        "LOGIN_BURST": str(args.login_burst),
    }
    values.update(instance_blocks(args.instance))
    return values


def render(args: argparse.Namespace) -> dict[Path, str]:
    """The files to write: {path: text}."""
    if args.standalone:
        root = Path(args.standalone).resolve()
        args.cache_dir = args.cache_dir or root / "cache"
        args.access_log = args.access_log or root / "access.log"
        site_path = root / SITE_FILE_NAME
    else:
        args.cache_dir = args.cache_dir or Path("/var/cache/nginx/hanoi-dashboard")
        args.access_log = args.access_log or Path("/var/log/nginx/hanoi-dashboard.access.log")
        site_path = Path(args.out) if args.out else None
    files = {site_path: fill(SITE_TEMPLATE.read_text(encoding="utf-8"), site_values(args))}
    if args.standalone:
        files[root / "nginx.conf"] = fill(MAIN_TEMPLATE.read_text(encoding="utf-8"), {
            "WORKER_USER": check_value("--user", args.user),
            "PID_FILE": str(root / "nginx.pid"),
            "ERROR_LOG": str(root / "error.log"),
            "TEMP_DIR": str(root / "temp"),
            "SITE_FILE": str(site_path),
        })
    return files


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--server-name", action="append", required=True,
                   help="host name the dashboard is reached by (repeatable)")
    p.add_argument("--instance", action="append", required=True,
                   help="HOST:PORT of one dashboard process (repeatable, in a fixed order: "
                        "the order numbers the route cookie)")
    p.add_argument("--certificate", type=Path, required=True, help="TLS certificate chain (PEM)")
    p.add_argument("--certificate-key", type=Path, required=True, help="its private key (PEM)")
    p.add_argument("--https-listen", default="443", help="[ADDRESS:]PORT for HTTPS (default 443)")
    p.add_argument("--http-listen", default="80", help="[ADDRESS:]PORT that redirects to HTTPS (default 80)")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help="cache of static files (default /var/cache/nginx/hanoi-dashboard)")
    p.add_argument("--access-log", type=Path, default=None,
                   help="access log (default /var/log/nginx/hanoi-dashboard.access.log)")
    p.add_argument("--session-rate", default=DEFAULT_SESSION_RATE,
                   help=f"new pages per client address (default {DEFAULT_SESSION_RATE})")
    p.add_argument("--session-burst", type=int, default=DEFAULT_SESSION_BURST,
                   help=f"pages allowed above that rate at once (default {DEFAULT_SESSION_BURST})")
    p.add_argument("--login-rate", default=DEFAULT_LOGIN_RATE,
                   help=f"/login requests per client address (default {DEFAULT_LOGIN_RATE})")
    p.add_argument("--login-burst", type=int, default=DEFAULT_LOGIN_BURST,
                   help=f"/login requests allowed above that rate at once (default {DEFAULT_LOGIN_BURST})")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--out", type=Path, default=None, help="site file to write (default: standard output)")
    output.add_argument("--standalone", type=Path, default=None,
                        help="directory for a complete configuration: nginx.conf + the site")
    p.add_argument("--user", default="www-data",
                   help="with --standalone: user of the worker processes when started as root")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        files = render(args)
    except RenderError as error:
        print(f"render_nginx: {error}", file=sys.stderr)
        return 2
    for path, text in files.items():
        if path is None:
            sys.stdout.write(text)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    if args.standalone:
        for name in ("cache", "temp"):
            (Path(args.standalone) / name).mkdir(parents=True, exist_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""HTTP hardening: security headers, a Content-Security-Policy that allows no inline script, the one rule for
where a "next" may send a person, and the reverse-proxy settings."""

from urllib.parse import unquote, urlsplit

from flask import Flask, request, url_for
from flask_babel.speaklater import LazyString
from werkzeug.middleware.proxy_fix import ProxyFix

from crm.auth.access import PUBLIC_ENDPOINTS


def is_local_path(target: str | None) -> bool:
    """True for a path on this site only: a single leading "/", no backslash, no control character.

    Judged after percent-decoding (repeatedly, so "%2509" counts as a tab too): browsers drop a tab or newline
    inside a URL, so "/\t/evil.example/" would reach them as "//evil.example/".
    """
    if not target:
        return False
    decoded, previous = target, None
    while decoded != previous:
        previous, decoded = decoded, unquote(decoded)
    if any(ord(char) < 32 or ord(char) == 127 for char in decoded) or "\\" in decoded:
        return False
    if not decoded.startswith("/") or decoded.startswith("//"):
        return False
    parts = urlsplit(decoded)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str:
    """Where to go after signing in or choosing a language: `target` when it is a path on this site, else home.

    An open redirect would let a phishing link borrow Sasar's name."""
    return target if is_local_path(target) else url_for("main.home")


def _tile_source(tile_url: str | None) -> str | None:
    """The CSP source for a map tile URL template such as https://{s}.tile.example.org/{z}/{x}/{y}.png."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}" if parts.scheme and host else None


def content_security_policy(config) -> str:
    images = ["'self'", "data:"]
    tiles = _tile_source(config.get("SASAR_MAP_TILE_URL"))
    if tiles:
        images.append(tiles)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(images)}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ])


def lazy_strings_as_text(value):
    """Jinja's `finalize`: a lazy translation is output as text, so escaping applies to it.

    Flask-Babel's LazyString claims to be markup (it has `__html__`), so a message such as "“%(value)s” is not a
    valid agency" would otherwise render whatever a person typed into the URL as live HTML."""
    return str(value) if isinstance(value, LazyString) else value


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config)
    app.jinja_env.finalize = lazy_strings_as_text
    proxies = int(app.config["SASAR_TRUSTED_PROXIES"])
    if proxies:
        # The client's address (audit, sign-in lockout), scheme (HSTS, secure cookies) and host as the proxies saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
        if request.is_secure:  # over plain HTTP the header means nothing, and it would pin a test host to HTTPS
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and not request.path.startswith("/static/"):
            # Every page behind sign-in may show personal data (people's names, NIK, phones, officers' notes):
            # no cache keeps a copy, not even the browser's. The public pages may be kept, privately.
            headers.setdefault("Cache-Control", "private, no-cache" if request.endpoint in PUBLIC_ENDPOINTS
                               and not request.path.startswith("/api/") else "no-store")
        return response

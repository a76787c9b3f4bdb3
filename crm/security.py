"""HTTP hardening: security headers and a Content-Security-Policy that allows no inline script."""

from urllib.parse import urlsplit

from flask import Flask, request


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


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and not request.path.startswith("/static/"):
            # Pages carry personal data: never keep them in shared caches.
            headers.setdefault("Cache-Control", "no-store" if request.path.startswith("/api/") else "private, no-cache")
        return response

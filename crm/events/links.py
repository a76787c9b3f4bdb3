"""The public address of an event's sign-up form: what the QR code, the poster and the API hand out."""

from flask import current_app, url_for

from crm.models import Event


def signup_url(event: Event) -> str:
    """Under SASAR_PUBLIC_URL when set (behind a proxy the request's own host may be an inside name)."""
    public = current_app.config.get("SASAR_PUBLIC_URL", "").rstrip("/")
    if public:
        return public + url_for("events.signup", code=event.code)
    return url_for("events.signup", code=event.code, _external=True)

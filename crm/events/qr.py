"""The QR code of an event's public link, drawn by segno: SVG for the poster and the slide, PNG to download."""

import io

import segno

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_code(url: str, fmt: str, *, scale: int = 10) -> bytes:
    """The link as a QR code (error correction M: a poster survives a crease or a smudge)."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=scale, border=4, xmldecl=False, title=url)
    else:
        code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()

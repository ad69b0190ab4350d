"""QR codes for ticket payloads (segno: pure Python, SVG and PNG)."""

import io

import segno

# The stored PNG (email attachment and PDF): 8 px a module is sharp on a phone and, scaled to
# 70 mm with `image-rendering: pixelated`, in print.
PRINT_SCALE = 8


def make(payload: str) -> segno.QRCode:
    # Error correction "M": survives a cracked screen or a crease in the printout.
    return segno.make_qr(payload, error="m")


def svg(payload: str, *, scale: int = 8) -> str:
    """Inline SVG markup (no XML declaration), scalable to the viewport."""
    buffer = io.BytesIO()
    make(payload).save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, omitsize=True
    )
    return buffer.getvalue().decode()


def png(payload: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    make(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

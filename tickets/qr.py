"""QR codes for ticket payloads (segno: pure Python, SVG and PNG)."""

import io

import segno

# Stored once per ticket at 1 px a module (`small_png`): the PDF embeds it as it is, scaled to
# 70 mm with `image-rendering: pixelated`; the email attaches it enlarged to 8 px a module,
# sharp on a phone.
PRINT_SCALE = 8
# The widest 1-px-a-module image: version 40 (177 modules) and the 4-module quiet zones.
LARGEST_SMALL = 177 + 2 * 4

# Every reader decodes all eight masks. Left automatic, segno scores each of them for the
# most readable one, most of a code's CPU time (about 10 of 12 ms here). Mask 2 is the one it
# picks most often for ticket payloads, and its mean ISO 18004 penalty over them is within
# 5 % of the per-code best (2,687 against 2,575 over 150 payloads; mask 0: 2,869).
MASK = 2


def make(payload: str) -> segno.QRCode:
    # Error correction "M": survives a cracked screen or a crease in the printout.
    return segno.make_qr(payload, error="m", mask=MASK)


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


def small_png(payload: str) -> bytes:
    """One pixel a module (a few hundred bytes): drawn once per ticket and stored."""
    return png(payload, scale=1)


def enlarged(image: bytes, *, scale: int = PRINT_SCALE) -> bytes:
    """A stored code at `scale` pixels a module for a screen (nearest neighbour: the same
    pixels segno would draw at that scale). Codes stored at print scale are kept as they are."""
    from PIL import Image

    with Image.open(io.BytesIO(image)) as small:
        if small.width > LARGEST_SMALL:
            return image
        big = small.resize((small.width * scale, small.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    return buffer.getvalue()

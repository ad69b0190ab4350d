"""{% cover_picture event "card" %}: the event's cover as a <picture> with WebP and JPEG
srcsets of its resized variants (events/covers.py), or the original until they exist."""

from django import template
from django.utils.html import format_html

from events import covers

register = template.Library()

# How wide the picture is drawn, so the browser picks the smallest file that is sharp.
SIZES_ATTR = {
    "card": "(min-width: 75rem) 24rem, (min-width: 40rem) 50vw, 100vw",
    "hero": "(min-width: 75rem) 72rem, 100vw",
}
BOX = {"card": (640, 360), "hero": (1200, 675)}


@register.simple_tag
def cover_picture(event, use="card", alt="", lazy=True):
    width, height = BOX[use]
    loading = "lazy" if lazy else "eager"
    webp, jpeg = covers.srcset(event, "webp"), covers.srcset(event, "jpeg")
    if not webp:
        return format_html(
            '<img src="{}" alt="{}" loading="{}" width="{}" height="{}">',
            event.cover_image.url,
            alt,
            loading,
            width,
            height,
        )
    sizes = SIZES_ATTR[use]
    fallback = jpeg.split(", ")[1 if use == "card" else -1].split(" ")[0]
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" alt="{}" loading="{}" width="{}" height="{}">'
        "</picture>",
        webp,
        sizes,
        fallback,
        jpeg,
        sizes,
        alt,
        loading,
        width,
        height,
    )

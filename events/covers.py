"""Resized event covers: phone, card and hero widths, each as WebP and as JPEG.

Covers are stored as uploaded (re-encoded, up to 5 MB). A Celery task renders the variants
with django-imagekit (resize-to-fill on 16:9, quality 80) into the default storage (local
disk or S3) and records their names on the event; pages then serve them with `srcset`, WebP
first and JPEG for browsers without it. Until the task has run, pages show the original.
"""

from django.db import transaction
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill

from events.cache import bump_event

# name -> (width, height); one 16:9 crop, so the three widths make one srcset.
SIZES = {"phone": (480, 270), "card": (640, 360), "hero": (1280, 720)}
FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
QUALITY = 80


def _spec(width: int, height: int, fmt: str):
    class CoverVariant(ImageSpec):
        processors = [ResizeToFill(width, height)]
        format = fmt
        options = {"quality": QUALITY}

    return CoverVariant


SPECS = {
    (size, ext): _spec(w, h, fmt) for size, (w, h) in SIZES.items() for ext, fmt in FORMATS.items()
}


def render_variants(cover) -> dict:
    """Write every variant of `cover` (a FieldFile) and return {"webp": {"480": name, ...},
    "jpeg": {...}, "source": cover name}."""
    variants = {ext: {} for ext in FORMATS}
    for (size, ext), spec in SPECS.items():
        generated = ImageCacheFile(spec(source=cover))
        generated.generate(force=True)
        variants[ext][str(SIZES[size][0])] = generated.name
    variants["source"] = cover.name
    return variants


def render_for_event(event_id: int) -> bool:
    """Render the event's cover variants and record them, unless the cover changed meanwhile
    (a newer upload has its own task). No transaction is open while the files are written."""
    from events.models import Event

    event = Event.objects.filter(pk=event_id).only("pk", "cover_image").first()
    if event is None or not event.cover_image:
        return False
    variants = render_variants(event.cover_image)
    recorded = Event.objects.filter(pk=event_id, cover_image=variants["source"]).update(
        cover_variants=variants
    )
    if recorded:  # the cached pages and cards show the new sizes
        bump_event(event_id, listing=False)
    return bool(recorded)


def schedule_variants(event) -> None:
    """After the transaction that stored a new cover commits, render its variants."""
    from events.tasks import render_cover_variants

    event_id = event.pk
    transaction.on_commit(lambda: render_cover_variants.delay(event_id))


def srcset(event, ext: str) -> str:
    """'…/a.webp 480w, …/b.webp 640w, …' for the event's current cover, or ''."""
    variants = event.cover_variants or {}
    if not event.cover_image or variants.get("source") != event.cover_image.name:
        return ""
    storage = event.cover_image.storage
    return ", ".join(
        f"{storage.url(name)} {width}w"
        for width, name in sorted(variants.get(ext, {}).items(), key=lambda kv: int(kv[0]))
    )

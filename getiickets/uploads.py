"""User uploads: only re-encoded pixels, under names we generate.

A browser decides how to treat a file by its type and name: a PNG with a script appended and
named `cover.html`, or an SVG, is a page on our origin. So an upload is decoded by Pillow,
refused unless it is a JPEG, PNG or WebP picture, and written again from its pixels (which
drops anything appended, metadata included) under a random name whose extension is the
detected format's. Media is also served with `nosniff` and a sandboxing policy
(`MEDIA_HEADERS`; `getiickets.media` in DEBUG, the proxy snippet in deploy/ otherwise)."""

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image

# Pillow format -> the extension the stored file gets.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
NOT_AN_IMAGE = "That file is not an image we can use. Upload a JPEG, PNG or WebP picture."

# Headers for every response that serves user media, whatever serves it.
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def reencode_image(upload) -> ContentFile:
    """The upload's pixels as a new file named <random>.<detected format>, or ValidationError
    with a message for the person who uploaded it."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{limit / 1024 / 1024:.0f} MB.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                fmt = image.format
                if fmt not in IMAGE_FORMATS:
                    raise ValidationError(
                        f"{fmt or 'These'} images are not supported. "
                        "Upload a JPEG, PNG or WebP picture.",
                        code="format",
                    )
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError("That picture is too large.", code="too_large")
                image.load()
                pixels = _without_metadata(image, fmt)
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many types for a file it cannot read
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from exc
    finally:
        upload.seek(0)
    out = io.BytesIO()
    save_options = {"quality": 88} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    pixels.save(out, fmt, **save_options)
    clean = ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{IMAGE_FORMATS[fmt]}")
    clean.reencoded = True  # ReencodedImageField.pre_save need not do it again
    return clean


def _without_metadata(image: Image.Image, fmt: str) -> Image.Image:
    """A copy of the first frame with only its pixels (no EXIF, comments or text chunks)."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    return clean


def validate_image_upload(upload) -> None:
    """A form or model validator: the same refusal, before anything is stored."""
    if upload and not getattr(upload, "_committed", True):
        reencode_image(upload)


class ReencodedImageField(models.ImageField):
    """An ImageField whose new uploads are stored re-encoded under a generated name (the
    admin and every form included: it happens when the model is saved)."""

    default_validators = [validate_image_upload]

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed and not getattr(file.file, "reencoded", False):
            clean = reencode_image(file.file)
            file.file, file.name = clean, clean.name
        return super().pre_save(model_instance, add)

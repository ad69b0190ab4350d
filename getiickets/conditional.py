"""Cache-Control and conditional GET for public pages, for signed-out visitors only.

A signed-out visitor's copy of a public page depends on the data it shows (named by the
cache versions of events.cache) and on their cookies (the CSRF token in its forms, a flash
message); the ETag is a hash of both, so a browser that sends it back gets a 304 without the
page being rendered. Signed-in visitors' pages carry their name in the header: they get
`private, no-cache` and no ETag.
"""

import hashlib
import time
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers


@cache
def _release() -> float:
    """The newest template of this deploy: a new release renders pages differently."""
    roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    roots += list(Path(settings.BASE_DIR).glob("*/templates"))
    return max((p.stat().st_mtime for r in roots for p in r.rglob("*.html")), default=0.0)


def _etag(request, token) -> str:
    raw = repr(
        (
            token,
            _release(),
            # Sales open and events end by the clock: a copy is good for the minute at most.
            int(time.time() // 60),
            request.get_full_path(),
            request.headers.get("Cookie", ""),
            request.headers.get("HX-Request", ""),
        )
    )
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def public_page(version_token):
    """Decorate a GET view whose page, for signed-out visitors, is named by
    `version_token(request, *args, **kwargs)` (None: not cacheable this time)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            signed_in = request.user.is_authenticated
            etag = None
            if not signed_in and request.method in ("GET", "HEAD"):
                token = version_token(request, *args, **kwargs)
                etag = _etag(request, token) if token is not None else None
            if etag:
                not_modified = get_conditional_response(request, etag=etag)
                if not_modified is not None:
                    return _headers(not_modified, etag=etag, signed_in=False)
            response = view(request, *args, **kwargs)
            return _headers(
                response, etag=etag if response.status_code == 200 else None, signed_in=signed_in
            )

        return wrapped

    return decorator


def _headers(response, *, etag, signed_in):
    patch_vary_headers(response, ["Cookie"])
    if signed_in:
        patch_cache_control(response, private=True, no_cache=True)
    elif etag:
        response["ETag"] = etag
        # Shared by nobody but this visitor's cookies (Vary: Cookie); always revalidated.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response

"""Whole public pages (home, lists, event pages) cached in the shared cache, per version.

Every request still goes through the whole middleware stack and the view's decorator; only
the view's work (data, templates) is skipped while a copy is current. A copy is current while
the catalogue version and the version of every event it shows are those it was built under
(events.cache: an organizer's edit, a hidden ticket type, a closed sale, a cancellation, a
sell-out bump them), the clock has not passed a moment the page depends on (a sale opening or
ending, the event ending), and it is younger than the page's `fresh_seconds` (what it shows
of live stock: "only 4 left", the seats taken). When only its age is past, one process
rebuilds it (the holder of a short lock) while the others serve it a few seconds longer; a
copy whose versions moved on is never served.

What is personal is never in a copy:
- each visitor's CSRF token: the page is built with a placeholder where the token goes, and
  every response gets this visitor's token in its place;
- the header (who is signed in): a copy holds the signed-out header apart; a signed-in
  visitor gets the header rendered for them around the shared rest of the page;
- flash messages, and whatever the view's `personal(request)` names (a buyer's pending
  selection, a waiting-room pass): such requests are rendered, and not stored.

Signed-out visitors get an ETag (the copy and their cookies) and a 304 when they send it
back; signed-in visitors get `private, no-cache`. Without the cache (Redis down or skipped),
pages are rendered on every request.
"""

import hashlib
import time
from functools import cache as memoize
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from events import cache as event_cache
from getiickets.htmx import wants_fragment

# Where each visitor's CSRF token goes in a cached page (letters only: escaping leaves it be).
TOKEN = "pagecacheCSRFTOKENplaceholderXq7"
# Around the header in a page being built (base.html): the part that names the visitor.
CUT = mark_safe("<!--page-cache:header-->")  # noqa: S308 - a constant
HEADER_TEMPLATE = "includes/header.html"
PAGE_TIMEOUT = 5 * 60
# Past its freshness a copy is served this much longer while one process rebuilds it.
STALE_GRACE_SECONDS = 10
REBUILD_LOCK_SECONDS = 5


def context(request) -> dict:
    """Context processor: the placeholders, while a page is being built for the cache."""
    if getattr(request, "_page_cache_building", False):
        return {"csrf_token": TOKEN, "page_cache_cut": CUT}
    return {}


@memoize
def _release() -> float:
    """The newest template of this deploy: a new release renders pages differently."""
    roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
    roots += list(Path(settings.BASE_DIR).glob("*/templates"))
    return max((p.stat().st_mtime for r in roots for p in r.rglob("*.html")), default=0.0)


def _key(request, variant: str) -> str:
    """The page's address without its query (event pages show their own absolute URL), the
    query as the page understands it (`variant`: other parameters, e.g. a campaign's, share
    one copy and cannot fill the cache), and whether htmx asked for the fragment alone."""
    where = request.build_absolute_uri(request.path)
    raw = f"{_release()}|{where}|{variant}|{wants_fragment(request)}"
    return "pages:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def _etag(request, entry) -> str:
    """The copy, and this visitor's cookies (the CSRF token its forms carry)."""
    raw = repr((entry["key"], entry["built"], request.headers.get("Cookie", "")))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(messages.get_messages(request)) > 0  # not consumed


def public_page(
    depends, *, fresh_seconds: float, personal=None, catalogue: bool = True, variant=None
):
    """Decorate a GET view of a public page.

    `depends(request, *args, **kwargs)` is called after the view rendered (it may read what
    the view looked up on the request): the ids of the events the page shows and the moment
    (a Unix time, or None) the page changes by the clock; None: do not cache this one.
    `personal(request, *args, **kwargs)`: True when this visitor's page differs from
    everyone's. `catalogue=False`: the page shows its events alone (an event page), so an
    edit of another event, which moves the catalogue version on, leaves it be.
    `variant(request)`: the query parameters the page shows, as a string (default: none).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            signed_in = request.user.is_authenticated
            if (
                request.method != "GET"
                or not event_cache.available()
                or _has_messages(request)
                or (personal is not None and personal(request, *args, **kwargs))
            ):
                return _headers(view(request, *args, **kwargs), etag=None, signed_in=signed_in)
            key = _key(request, variant(request) if variant is not None else "")
            found = event_cache.read([event_cache.CATALOGUE_VERSION_KEY, key])
            entry = found.get(key)
            version = found.get(event_cache.CATALOGUE_VERSION_KEY) if catalogue else 0
            state = _state(entry, version, fresh_seconds)
            lock = None
            if state == "stale":
                if cache.add(f"{key}:rebuilding", 1, timeout=REBUILD_LOCK_SECONDS):
                    lock = f"{key}:rebuilding"
                else:
                    state = "fresh"  # another process is rebuilding: this copy meanwhile
            if state == "fresh":
                return _serve(request, entry, signed_in)
            try:
                response, parts = _build(request, lambda: view(request, *args, **kwargs))
                etag = None
                # (A message added while the page was built makes it this visitor's.)
                if response.status_code == 200 and parts is not None and not _has_messages(request):
                    shown = depends(request, *args, **kwargs)
                    entry = _store(request, key, parts, shown, catalogue, signed_in)
                    if entry is not None and not signed_in:
                        etag = _etag(request, entry)
                return _headers(response, etag=etag, signed_in=signed_in)
            finally:
                if lock is not None:
                    cache.delete(lock)

        return wrapped

    return decorator


def _state(entry, catalogue, fresh_seconds) -> str | None:
    """'fresh', 'stale' (current, but past its freshness), or None (not to be served)."""
    if entry is None or catalogue is None or entry["catalogue"] != catalogue:
        return None
    now = time.time()
    if entry["until"] is not None and now >= entry["until"]:
        return None
    if entry["events"] and event_cache.event_versions(entry["events"]) != entry["events"]:
        return None
    age = now - entry["built"]
    if age < fresh_seconds:
        return "fresh"
    return "stale" if age < fresh_seconds + STALE_GRACE_SECONDS else None


def _serve(request, entry, signed_in: bool) -> HttpResponse:
    etag = None
    token = None
    if not signed_in:
        etag = _etag(request, entry)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return _headers(not_modified, etag=etag, signed_in=False)
        header = entry["header"]
    elif entry["cut"]:
        # One token for the header's forms and the page's (each get_token masks anew: a
        # second masking costs as much as the rest of the header).
        token = get_token(request)
        header = render_to_string(HEADER_TEMPLATE, {"csrf_token": token}, request=request)
    else:
        header = ""
    body = entry["head"] + header + entry["tail"]
    response = HttpResponse(_with_token(request, body, token))
    return _headers(response, etag=etag, signed_in=signed_in)


def _with_token(request, body: str, token: str | None = None) -> str:
    if TOKEN not in body:
        return body
    return body.replace(TOKEN, token if token is not None else get_token(request))


def _build(request, render) -> tuple[HttpResponse, list[str] | None]:
    """The view's response, built with the placeholders, and its parts for the copy (the
    page, or its head, header and tail); the response has this visitor's token."""
    request._page_cache_building = True
    try:
        response = render()
    finally:
        request._page_cache_building = False
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response, None
    body = response.content.decode()
    parts = body.split(CUT)
    response.content = _with_token(request, "".join(parts)).encode()
    return response, parts if len(parts) in (1, 3) else None


def _store(request, key, parts, shown, per_catalogue, signed_in) -> dict | None:
    if shown is None:
        return None
    event_ids, until = shown
    catalogue = event_cache.catalogue_version() if per_catalogue else 0
    versions = event_cache.event_versions(event_ids)
    if catalogue is None or versions is None:
        return None
    cut = len(parts) == 3
    if not cut:
        head, header, tail = parts[0], "", ""
    else:
        head, header, tail = parts
        if signed_in:  # the copy keeps the signed-out header
            anonymous = {"user": AnonymousUser(), "active_role": "buyer"}
            header = render_to_string(HEADER_TEMPLATE, anonymous, request=request)
    entry = {
        "key": key,
        "catalogue": catalogue,
        "events": versions,
        "until": until,
        "built": time.time(),
        "cut": cut,
        "head": head,
        "header": header,
        "tail": tail,
    }
    cache.set(key, entry, PAGE_TIMEOUT)
    event_cache.remember(key, entry)
    return entry


def _headers(response, *, etag, signed_in):
    patch_vary_headers(response, ["HX-Request", "Cookie"])  # as the copies are kept apart
    if signed_in:
        patch_cache_control(response, private=True, no_cache=True)
    elif etag:
        response["ETag"] = etag
        # Shared by nobody but this visitor's cookies (Vary: Cookie); always revalidated.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response

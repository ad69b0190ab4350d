"""Public catalogue and event pages. Data is cached (events.cache) and so are whole pages
(getiickets.page_cache: never a visitor's CSRF token, header or messages)."""

from datetime import UTC

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from events import cache, services
from events.filters import EventFilter, catalogue_page, clean_params
from events.models import Event
from getiickets.htmx import wants_fragment
from getiickets.page_cache import public_page
from tickets.selector import asked_section, is_personal

PAGE_SIZE = 12
# Lists show stock only as "sold out" (a flip bumps the event's version): their copies are
# rebuilt every half minute for what changes by the clock alone.
LIST_FRESH_SECONDS = 30
# An event page shows live stock ("only 4 left", seats taken): as fresh as the status poll.
DETAIL_FRESH_SECONDS = 2


def _build_list(params: dict):
    return catalogue_page(params, page_size=PAGE_SIZE)


def _list_data(request) -> tuple[dict, dict]:
    """The page's list data, looked up once per request (the ETag needs it too)."""
    if not hasattr(request, "_catalogue_list"):
        params = clean_params(request.GET)
        request._catalogue_list = params, cache.get_list(params, lambda: _build_list(params))
    return request._catalogue_list


def _list_shows(request):
    params, data = _list_data(request)
    return [event.pk for event in data["events"]], None


def _list_variant(request):
    return cache.list_key(clean_params(request.GET))  # not the list itself: a copy may do


@require_GET
@public_page(_list_shows, fresh_seconds=LIST_FRESH_SECONDS, variant=_list_variant)
def event_list(request):
    params, data = _list_data(request)
    filterset = EventFilter(params, queryset=Event.objects.none())  # the form only
    base = {k: v for k, v in params.items() if k != "page"}
    number, num_pages = data.get("number", 1), data.get("num_pages", 1)

    def page_link(n):
        from urllib.parse import urlencode

        return "?" + urlencode({**base, "page": n}) if n > 1 else "?" + urlencode(base)

    form = filterset.form
    filter_errors = [e for errors in form.errors.values() for e in errors]
    context = {
        "filter_form": form,
        "filter_errors": filter_errors,
        "active_filters": sum(
            1 for k in ("category", "city", "when", "date_from", "date_to") if k in params
        ),
        "events": data["events"],
        "count": data["count"],
        "count_capped": data.get("count_capped", False),
        "page_number": number,
        "num_pages": num_pages,
        "prev_link": page_link(number - 1) if number > 1 else None,
        "next_link": page_link(number + 1) if number < num_pages else None,
        "categories": services.catalogue_categories(),
        "cities": services.catalogue_cities(),
        "params": params,
        "filtered": bool(base),
        # The site's card when it exists (it reads the prefetched ticket types), else ours.
        "card_templates": ["includes/event_card.html", "events/_card.html"],
    }
    # The filter form's htmx request swaps only the results (getiickets/htmx.py).
    template = "events/_results.html" if wants_fragment(request) else "events/list.html"
    response = render(request, template, context, status=400 if filter_errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_or_preview(request, slug):
    """Public data (cached), or an organizer's uncached preview of their own draft."""
    data = cache.get_detail(slug, lambda: services.event_detail_data(slug))
    if data is not None:
        return data, False
    user = request.user
    if user.is_authenticated and getattr(user, "is_organizer", False):
        event = (
            Event.objects.select_related("venue", "category", "organizer")
            .filter(slug=slug, organizer=user.organizer)
            .first()
        )
        if event is not None:
            return services.detail_context(event), True
    raise Http404("No such event.")


def _detail_shows(request, slug):
    """The event, and the next moment its page changes by the clock (a sale opens or ends,
    the event ends); None for an organizer's preview of a draft."""
    data = cache.get_detail(slug, lambda: services.event_detail_data(slug))
    if data is None:
        return None
    now = timezone.now()
    moments = [data["event"].ends_at]
    moments += [m for t in data["ticket_types"] for m in (t.sales_start, t.sales_end) if m]
    upcoming = [m for m in moments if m > now]
    return [data["event"].pk], min(upcoming).timestamp() if upcoming else None


def _detail_personal(request, slug):
    return is_personal(request, slug)


def _detail_variant(request):
    return str(asked_section(request) or "")


@require_GET
@public_page(
    _detail_shows,
    fresh_seconds=DETAIL_FRESH_SECONDS,
    personal=_detail_personal,
    catalogue=False,
    variant=_detail_variant,
)
def event_detail(request, slug):
    data, preview = _detail_or_preview(request, slug)
    event = data["event"]
    now = timezone.now()
    url = request.build_absolute_uri(event.get_absolute_url())
    context = {
        **data,
        "preview": preview,
        "share_url": url,
        "share_text": f"{event.title} — {timezone.localtime(event.starts_at):%a %d %b %Y}",
        "is_past": event.ends_at < now,
    }
    return render(request, "events/detail.html", context)


def _ics_escape(text: str) -> str:
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _ics_fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += b
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(dt) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@require_GET
def event_ics(request, slug):
    data, _ = _detail_or_preview(request, slug)
    event = data["event"]
    url = request.build_absolute_uri(reverse("events:detail", args=[event.slug]))
    venue = event.venue
    location = ", ".join(p for p in [venue.name, venue.address, venue.city] if p)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{settings.SITE_NAME}//events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@getiickets.ng",
        f"DTSTAMP:{_utc(event.updated_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_ics_escape(event.title)}",
        f"DESCRIPTION:{_ics_escape(event.description[:1000] + chr(10) + chr(10) + url)}",
        f"LOCATION:{_ics_escape(location)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    body = "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response

"""HTML pieces drawn in Python, not templates: the answers to the on-sale crowd that lost a
race are made of little else, and rendering a template costs more than the rest of such a
request (the gate's Redis call included). The selector templates use the same pieces
through the `availability_badge` and `qty_select` tags."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from events.models import Event
from tickets import selector, services
from tickets.memory import ShortMemory

_OOB = mark_safe(' hx-swap-oob="true"')


def availability_badge(row: selector.Row, oob: bool = False) -> SafeString:
    """A ticket type's live availability ("Only 3 left"); `oob` for htmx out-of-band."""
    return format_html(
        '<span id="avail-{}" class="badge {}"{}>{}</span>',
        row.pk,
        row.badge_class,
        _OOB if oob else "",
        row.badge_text,
    )


def qty_select(row: selector.Row, oob: bool = False) -> SafeString:
    """The quantity list of a ticket type (disabled with just 0 when none can be bought)."""
    if not row.on_sale or row.sold_out:
        return format_html(
            '<select id="qty-{}" disabled aria-disabled="true" class="selector-qty"{}>'
            "<option>0</option></select>",
            row.pk,
            _OOB if oob else "",
        )
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((n, " selected" if n == row.chosen else "", n) for n in row.choices),
    )
    return format_html(
        '<select id="qty-{}" name="qty_{}" class="selector-qty"{}>{}</select>',
        row.pk,
        row.pk,
        _OOB if oob else "",
        options,
    )


def ga_refusal(sel: selector.Selector) -> SafeString:
    """Not enough tickets (htmx): the message, and each type's badge and quantity list out of
    band; the rest of the selector stays as it is on the page."""
    pieces = format_html_join(
        "", "{}{}", ((availability_badge(r, True), qty_select(r, True)) for r in sel.ga_rows)
    )
    return format_html(
        '<div id="selector-error" hx-swap-oob="true">'
        '<p class="message message-error" role="alert">{}</p></div>{}',
        sel.error,
        pieces,
    )


# The seated types' badges in a seat refusal, shared for half a second per process like
# the availability they show (selector.recent_availability).
_seated_badges: ShortMemory[SafeString] = ShortMemory(seconds=0.5, size=50)


def _draw_seated_badges(event: Event) -> SafeString:
    sel = selector.build(event, include_map=False, sweep=False, recent=True)
    return format_html_join(
        "", "{}", ((availability_badge(r, True),) for r in sel.rows if r.seated)
    )


def seat_refusal(event: Event, *, error: str, listed: str, seats: str) -> SafeString:
    """A seat hold lost (htmx): the message, the seats now taken or those still free
    (`listed` "taken" or "free", `seats` "1,2,3": seatmap.js redraws the page's map from
    either) and the seated types' badges, not a 100 KB map."""
    return format_html(
        '<div id="seat-error" hx-swap-oob="true">'
        '<p class="message message-error" role="alert">{}</p></div>'
        '<div id="seats-taken" hidden data-{}="{}" hx-swap-oob="true"></div>{}',
        error,
        listed,
        seats,
        _seated_badges.get(event.pk, lambda: _draw_seated_badges(event)),
    )


# The whole selector as everyone sees it who has no selection of their own (the on-sale
# crowd loading the page), drawn once per half second per process, and again at once after
# a release or expiry in this process (services.local_stock_version); each request puts its
# own CSRF token in. Real tokens are 64 letters and digits: the placeholder is never one.
_CSRF_PLACEHOLDER = "csrf-token-of-this-request"
_shared_selectors: ShortMemory[str] = ShortMemory(seconds=0.5, size=50)


def shared_selector(event: Event, request) -> SafeString | None:
    """The selector's HTML for this request from the shared copy, or None when the request
    has a pending selection of its own (kept across sign-in) and is drawn for itself."""
    if selector.pending_selection(request, event):
        return None

    def draw() -> str:
        context = {
            "event": event,
            "selector": selector.build(event),
            "csrf_token": _CSRF_PLACEHOLDER,
        }
        return render_to_string("tickets/_selector.html", context)

    html = _shared_selectors.get((event.pk, services.local_stock_version(event.pk)), draw)
    return mark_safe(html.replace(_CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308 - a token

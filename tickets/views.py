"""Hold pages: the ticket selector (htmx partial), the waiting room, holds of quantities and
seats, the hold summary with its countdown, release. Views parse, call one service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from accounts import guests
from events import cache as event_cache
from events.models import Event
from getiickets.context_processors import site as site_context
from getiickets.errors import DomainError
from tickets import inventory, selector
from tickets.forms import QuantitiesForm, SeatsForm, is_id
from tickets.inventory import waiting_room
from tickets.models import Hold

TOO_MANY = "Too many reservation attempts. Please wait a minute and try again."


def _event(slug) -> Event:
    return get_object_or_404(
        Event.objects.select_related("venue"), slug=slug, status=Event.Status.PUBLISHED
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _selector_response(request, event, *, error="", status=200, posted=None, resume=False):
    sel = selector.build(event, request, error=error, posted=posted)
    context = {"event": event, "selector": sel, "resume": resume}
    if _is_htmx(request):
        return render(request, "tickets/_ticket_selector.html", context, status=status)
    context["event_url"] = selector.event_url(event)
    return render(request, "tickets/selector_page.html", context, status=status)


@require_GET
def availability(request, slug):
    """The selector as an htmx partial; ?part=status gives only the live badges (OOB)."""
    if request.GET.get("part") == "status":
        return _live_status(slug)
    event = _event(slug)
    response = render(request, "tickets/_ticket_selector.html", {"event": event})
    response["Cache-Control"] = "no-store"
    return response


# Every open event page polls this every few seconds (every 3 s with a seat map): the same
# public answer for everyone, so it is built once per event per STATUS_CACHE_SECONDS in the
# shared cache and may be kept as long by any cache in between. Nothing about the visitor.
STATUS_CACHE_SECONDS = 2


def _live_status(slug) -> HttpResponse:
    key = f"tickets:status:{slug}"
    body = cache.get(key)
    if body is None:
        event = _event(slug)
        body = render_to_string(
            "tickets/_availability_status.html", {"sel": inventory.of_event(event)}
        )
        cache.set(key, body, STATUS_CACHE_SECONDS)
    response = HttpResponse(body)
    patch_cache_control(response, public=True, max_age=STATUS_CACHE_SECONDS)
    return response


def choose(request, slug):
    """The selector on its own page (also where a buyer lands after sign-in or the queue)."""
    event = _event(slug)
    if waiting_room.must_queue(request, event):
        return redirect(reverse("tickets:queue", args=[event.slug]))
    resume = bool(selector.pending_selection(request, event))
    return _selector_response(request, event, resume=resume)


# --- The waiting room ----------------------------------------------------------------------


@require_GET
def queue(request, slug):
    """Join the waiting room or see one's place; polled by htmx, refreshed without it. An
    admitted buyer gets the pass and goes on to the selector. A poll reads no database row
    (tickets.inventory.waiting_room: the session, the cache and Redis)."""
    room = waiting_room.room(slug)
    if room is None:
        raise Http404("No such event on sale.")
    account = waiting_room.account_of(request)
    if account is None:
        return redirect_to_login(request.get_full_path())
    to_selector = reverse("tickets:hold", args=[slug])
    if waiting_room.has_pass(request, room.event_id) or not waiting_room.is_on(room):
        return redirect(to_selector)
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key
    place = waiting_room.join(
        room,
        account_id=account,
        session_key=session_key,
        arrived_at=getattr(request, "arrived_at", None),
    )
    if place.state in ("admitted", "off"):
        response = redirect(to_selector)
        if place.state == "admitted":
            waiting_room.issue_pass(
                response, event_id=room.event_id, account_id=account, session_key=session_key
            )
        return response
    body = render_to_string(
        "tickets/_queue_status.html",
        {
            "event": room,
            "place": place,
            "refresh_seconds": place.poll_seconds,
            "waitlist_url": f"{reverse('waitlist:join')}?event={slug}",
        },
    )
    if not _is_htmx(request):  # the whole page: the shared part around the buyer's place
        refresh = ""
        if place.state != "sold_out":  # without JavaScript the page reloads itself
            seconds = place.poll_seconds
            refresh = f'<noscript><meta http-equiv="refresh" content="{seconds}"></noscript>'
        page = _queue_page(request, room)
        body = page.replace(_QUEUE_REFRESH, refresh, 1).replace(_QUEUE_STATUS, body, 1)
    response = HttpResponse(body)
    response["Cache-Control"] = "no-store"
    return response


# The queue page around the buyer's place is the same for everyone waiting for the event:
# drawn once per event version (an edit of the event shows at once) instead of once per
# arrival, when ten thousand arrive in seconds. It carries nothing personal: no account
# menu, no messages (they wait for the next page), no CSRF token (nothing is posted here).
_QUEUE_STATUS, _QUEUE_REFRESH = "<!--queue:status-->", "<!--queue:refresh-->"


def _queue_page(request, room) -> str:
    key = f"tickets:queue-page:{room.event_id}:{room.version}"
    cached = room.version is not None and event_cache.available()
    page = cache.get(key) if cached else None
    if page is None:
        context = {
            **site_context(request),
            "event": room,
            "status": mark_safe(_QUEUE_STATUS),  # noqa: S308 - constant markers
            "refresh": mark_safe(_QUEUE_REFRESH),  # noqa: S308
        }
        page = render_to_string("tickets/queue.html", context)
        if cached:
            cache.set(key, page, waiting_room.ROOM_CACHE_SECONDS)
    return page


# --- Holds ---------------------------------------------------------------------------------


def _hold_rate(group, request):
    return settings.HOLD_RATE_LIMIT


def _hold_rate_per_ip(group, request):
    return settings.HOLD_RATE_LIMIT_PER_IP


def _buyer_or_ip(group, request) -> str:
    """The hold limit's key: the account, the session's guest, or else the address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    guest_id = guests.session_guest_id(request)
    return f"guest:{guest_id}" if guest_id else f"ip:{request.META.get('REMOTE_ADDR', '')}"


def _attempt(request, event, *, form, posted, remember, call):
    """What the two hold views share: the waiting room, rate limits, sign-in or the guest,
    the service."""
    buyer = guests.current_buyer(request)
    if buyer is not None and waiting_room.must_queue(request, event):
        return redirect(reverse("tickets:queue", args=[event.slug]))
    waiting_room.note_arrival(event)
    if getattr(request, "limited", False):
        return _selector_response(request, event, error=TOO_MANY, status=429, posted=posted)
    if not form.is_valid():
        error = " ".join(form.non_field_errors()) or "Choose at least one ticket or seat."
        return _selector_response(request, event, error=error, status=400, posted=posted)
    if buyer is None:
        request.session[selector.SESSION_KEY] = {"event": event.slug, **remember()}
        guests.offer(request)  # the sign-in page offers "Continue as guest" too
        return redirect_to_login(reverse("tickets:hold", args=[event.slug]))
    try:
        new_hold = call(event, buyer, guests.guest_hold_rules(request, buyer))
    except DomainError as exc:
        if isinstance(exc, inventory.SeatTaken):
            posted = {}  # show the fresh map without the lost seats pre-picked
        return _selector_response(
            request, event, error=str(exc), status=exc.status_code, posted=posted
        )
    request.session.pop(selector.SESSION_KEY, None)
    guests.remember_hold(request, new_hold.pk)
    if getattr(new_hold, "replaced_earlier", False):
        messages.info(
            request,
            "This reservation replaces the one you made earlier for this event "
            "(one reservation per event; another tab showing the old one will say so).",
        )
    return redirect(selector.checkout_url(new_hold))


@require_POST
@ratelimit(group="tickets.hold", key="ip", rate=_hold_rate_per_ip, block=False)
@ratelimit(group="tickets.hold", key=_buyer_or_ip, rate=_hold_rate, block=False)
def hold(request, slug):
    event = _event(slug)
    form = QuantitiesForm(request.POST, event=event)
    posted = {
        "quantities": {
            k[4:]: int(v)
            for k, v in request.POST.items()
            # Only to show the selection again: bounded, so no 10 KB string reaches int().
            if k.startswith("qty_") and is_id(k[4:]) and is_id(v) and len(v) <= 4
        }
    }
    return _attempt(
        request,
        event,
        form=form,
        posted=posted,
        remember=lambda: {
            "quantities": {str(k): v for k, v in form.cleaned_data["quantities"].items()}
        },
        call=lambda event, buyer, rules: inventory.hold_tickets(
            buyer=buyer, event=event, quantities=form.cleaned_data["quantities"], **rules
        ),
    )


@require_POST
@ratelimit(group="tickets.hold", key="ip", rate=_hold_rate_per_ip, block=False)
@ratelimit(group="tickets.hold", key=_buyer_or_ip, rate=_hold_rate, block=False)
def hold_seats(request, slug):
    form = SeatsForm(request.POST)
    posted = {"seats": [s for s in request.POST.getlist("seat") if is_id(s)]}
    return _attempt(
        request,
        _event(slug),
        form=form,
        posted=posted,
        remember=lambda: {"seats": form.cleaned_data["seat_ids"]},
        call=lambda event, buyer, rules: inventory.hold_seats(
            buyer=buyer, event=event, seat_ids=form.cleaned_data["seat_ids"], **rules
        ),
    )


def hold_or_choose(request, slug):
    """GET: the selector page (the buyer's saved selection after sign-in); POST: hold."""
    if request.method == "POST":
        return hold(request, slug)
    return choose(request, slug)


def _buyers_hold(request, pk) -> Hold:
    """The buyer's own hold: a guest session sees only the holds it made itself."""
    holds = Hold.objects.select_related("event").filter(pk=pk)
    if not request.user.is_authenticated:
        holds = holds.filter(pk__in=guests.session_hold_ids(request))
    return get_object_or_404(holds, buyer=guests.current_buyer(request))


@guests.buyer_required
@require_GET
def hold_detail(request, pk):
    """The buyer's reservation with its countdown (lazily expired when read)."""
    hold = inventory.expire_if_lapsed(_buyers_hold(request, pk))
    lines = list(hold.lines.select_related("ticket_type"))
    seats = [claim.seat for claim in hold.seat_claims.select_related("seat__section")]
    subtotal = sum(line.quantity * line.ticket_type.price_kobo for line in lines)
    return render(
        request,
        "tickets/hold_detail.html",
        {
            "hold": hold,
            "lines": lines,
            "seats": seats,
            "subtotal": subtotal,
            "checkout_url": selector.checkout_url(hold),
            "event_url": selector.event_url(hold.event),
            "ended_message": inventory.ended_message(hold),
            "newer_hold": inventory.newer_hold(hold),
        },
    )


@guests.buyer_required
@require_POST
def release(request, pk):
    hold = _buyers_hold(request, pk)
    if inventory.release_hold(hold=hold):
        messages.success(request, "Your tickets have been released.")
    else:
        messages.info(request, "That reservation had already ended.")
    return redirect(selector.event_url(hold.event))

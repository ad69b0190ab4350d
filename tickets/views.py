"""Hold pages: the ticket selector (htmx partial), holds of quantities and seats, the hold
summary with its countdown, release. Views parse, call one service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.middleware import defers_session_check, end_session_if_lapsed
from events.models import Event
from getiickets.errors import DomainError
from tickets import fragments, limits, selector, services
from tickets.forms import QuantitiesForm, SeatsForm, is_id
from tickets.memory import ShortMemory
from tickets.models import Hold

_events: ShortMemory[Event] = ShortMemory(seconds=2.0)


def _event(slug) -> Event:
    """The published event (a short per-process memory: the hot path reads it every time)."""
    return _events.get(
        slug,
        lambda: get_object_or_404(
            Event.objects.select_related("venue"), slug=slug, status=Event.Status.PUBLISHED
        ),
    )


def _is_htmx(request) -> bool:
    # META, not request.headers: the headers mapping is built from all of META on first use.
    return request.META.get("HTTP_HX_REQUEST") == "true"


def _selector_response(
    request, event, *, error="", status=200, posted=None, resume=False, include_map=True
):
    # Nothing of this request's own to show: the selector's shared copy will do (the tag).
    own = bool(error) or posted is not None or resume
    sel = (
        selector.build(
            event, request, error=error, posted=posted, include_map=include_map, sweep=not error
        )
        if own
        else None
    )
    context = {"event": event, "selector": sel, "resume": resume}
    if _is_htmx(request):
        return render(request, "tickets/_ticket_selector.html", context, status=status)
    context["event_url"] = selector.event_url(event)
    return render(request, "tickets/selector_page.html", context, status=status)


def _remember(request, event, **selection) -> None:
    request.session[selector.SESSION_KEY] = {"event": event.slug, **selection}


def _forget(request) -> None:
    request.session.pop(selector.SESSION_KEY, None)


def _posted_quantities(request) -> dict:
    out = {}
    for key, value in request.POST.items():
        # Only to show the selection again: bounded, so no 10 KB digit string reaches int().
        if key.startswith("qty_") and is_id(value) and len(value) <= 4 and is_id(key[4:]):
            out[key[4:]] = int(value)
    return {"quantities": out}


@require_GET
def availability(request, slug):
    """The selector as an htmx partial; ?part=status gives only the live badges (OOB)."""
    event = _event(slug)
    if request.GET.get("part") == "status":
        sel = selector.build(event, request)
        response = render(request, "tickets/_availability_status.html", {"sel": sel})
    else:
        response = render(request, "tickets/_ticket_selector.html", {"event": event})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def choose(request, slug):
    """The selector on its own page (also where a buyer lands again after signing in)."""
    event = _event(slug)
    resume = bool(selector.pending_selection(request, event))
    return _selector_response(request, event, resume=resume)


# The hold views serve the on-sale crowd, in three tiers:
# 1. What this process saw of the event less than a second ago already refuses most of the
#    crowd (selector.refusal_from_memory): those htmx requests are answered by
#    `answer_from_memory`, which tickets.middleware.RefusalLaneMiddleware calls before the
#    session, authentication and the rest of the stack run. They are not counted against
#    the rate limits, which guard the gate and the database (nothing answered from memory
#    can take a ticket). Buyers who hold something for the event (the HOLDING_COOKIE) skip
#    this tier: their new selection may be the tickets or seats of the hold it replaces.
# 2. The gate (Redis) turns away the rest who cannot get a ticket. Until it has said yes,
#    request.user is never touched: the buyer is known by the session's user id
#    (limits.session_user_id).
# 3. The service loads and checks the user (services._check_buyer) and writes the hold.
# The rate limits are counted once: by the gate's own call in the service, or here when the
# request is answered before it gets there.

HOLDING_COOKIE = "holding"


def _too_many(request, event, posted):
    return _selector_response(request, event, error=limits.MESSAGE, status=429, posted=posted)


def may_answer_from_memory(request) -> bool:
    # Only the selector's htmx requests: a full page shows who is signed in, which needs the
    # session (and its lifetime check).
    return _is_htmx(request) and HOLDING_COOKIE not in request.COOKIES


def answer_from_memory(request, slug, *, seats: bool) -> HttpResponse | None:
    """Tier 1: the refusal of a hold request (htmx, CSRF checked) that this process's recent
    view of the event already refuses, or None when the request must go on to the views.
    Reads no session, Redis or database (the event itself comes from a short memory);
    Http404 for an event that is not on the site."""
    event = _event(slug)
    if seats:
        form = SeatsForm(request.POST)
        if not form.is_valid():
            return None
        refusal = selector.refusal_from_memory(event, seat_ids=form.cleaned_data["seat_ids"])
        if refusal is None:
            return None
        return _seat_refusal(request, event, refusal)
    form = QuantitiesForm(request.POST, event=event)
    if not form.is_valid():
        return None
    refusal = selector.refusal_from_memory(event, quantities=form.cleaned_data["quantities"])
    if refusal is None:
        return None
    return _ga_refusal(request, event, refusal, _posted_quantities(request))


@defers_session_check
@require_POST
def hold(request, slug):
    rate = limits.HoldRate(request)
    event = _event(slug)
    posted = _posted_quantities(request)
    form = QuantitiesForm(request.POST, event=event)
    buyer_id = limits.session_user_id(request)
    if (not form.is_valid() or buyer_id is None) and rate.over():
        return _too_many(request, event, posted)
    if not form.is_valid():
        error = " ".join(form.non_field_errors()) or "Choose at least one ticket."
        return _selector_response(request, event, error=error, status=400, posted=posted)
    if buyer_id is None:
        return _to_sign_in(
            request,
            event,
            quantities={str(k): v for k, v in form.cleaned_data["quantities"].items()},
        )
    try:
        new_hold = services.hold_tickets(
            buyer=request.user,
            buyer_id=buyer_id,
            event=event,
            quantities=form.cleaned_data["quantities"],
            rate=rate,
        )
    except services.SignedOut:
        return _to_sign_in(request, event, quantities=posted["quantities"])
    except DomainError as exc:
        if exc.status_code == 409 and _is_htmx(request):
            return _ga_refusal(request, event, exc, posted)
        # The answer to a quantity request leaves the seat map out (a link leads to it).
        return _selector_response(
            request,
            event,
            error=str(exc),
            status=exc.status_code,
            posted=posted,
            include_map=False,
        )
    _forget(request)
    return _after_hold(request, new_hold)


@defers_session_check
@require_POST
def hold_seats(request, slug):
    rate = limits.HoldRate(request)
    event = _event(slug)
    posted = {"seats": [s for s in request.POST.getlist("seat") if is_id(s)]}
    form = SeatsForm(request.POST)
    buyer_id = limits.session_user_id(request)
    if (not form.is_valid() or buyer_id is None) and rate.over():
        return _too_many(request, event, posted)
    if not form.is_valid():
        error = " ".join(form.non_field_errors()) or "Choose at least one seat."
        return _selector_response(request, event, error=error, status=400, posted=posted)
    if buyer_id is None:
        return _to_sign_in(request, event, seats=form.cleaned_data["seat_ids"])
    try:
        new_hold = services.hold_seats(
            buyer=request.user,
            buyer_id=buyer_id,
            event=event,
            seat_ids=form.cleaned_data["seat_ids"],
            rate=rate,
        )
    except services.SignedOut:
        return _to_sign_in(request, event, seats=form.cleaned_data["seat_ids"])
    except DomainError as exc:
        claim = exc.context.get("claim")
        if claim is not None and claim.seat is not None:
            selector.note_seats_taken(event, [claim.seat])
        if exc.status_code == 409 and _is_htmx(request):
            return _seat_refusal(request, event, exc)
        if isinstance(exc, services.SeatTaken):
            posted = {}  # show the fresh map without the lost seats pre-picked
        return _selector_response(
            request, event, error=str(exc), status=exc.status_code, posted=posted
        )
    selector.note_seats_taken(event, form.cleaned_data["seat_ids"])
    _forget(request)
    return _after_hold(request, new_hold)


def _to_sign_in(request, event, **selection):
    """Not signed in (or the session's user no longer signs in with it): keep the choice
    for after sign-in."""
    _remember(request, event, **selection)
    return redirect_to_login(reverse("tickets:hold", args=[event.slug]))


def _refusal(html, status) -> HttpResponse:
    """Light htmx answers to the crowd that lost a race (tickets.fragments): out-of-band
    pieces only, swapped in place (HX-Reswap: none), so the page keeps the buyer's map and
    choices."""
    response = HttpResponse(html, status=status)
    response["HX-Reswap"] = "none"
    return response


def _ga_refusal(request, event, exc, posted):
    sel = selector.build(
        event, request, error=str(exc), posted=posted, include_map=False, sweep=False, recent=True
    )
    return _refusal(fragments.ga_refusal(sel), exc.status_code)


def _seat_refusal(request, event, exc):
    claim = exc.context.get("claim")
    lost = claim.seat if claim is not None else None
    listed, seats = selector.seats_left_to_tell(event, lost=lost)
    html = fragments.seat_refusal(event, error=str(exc), listed=listed, seats=seats)
    return _refusal(html, exc.status_code)


@defers_session_check
def hold_or_choose(request, slug):
    """GET: the selector page (the buyer's saved selection after sign-in); POST: hold."""
    if request.method == "POST":
        return hold(request, slug)
    end_session_if_lapsed(request)
    return choose(request, slug)


def _holding_cookie_path(event) -> str:
    # The event's hold URLs (/events/<slug>/hold, /events/<slug>/hold-seats) and nothing else.
    return reverse("tickets:hold", args=[event.slug]).rsplit("/", 1)[0] + "/"


def _after_hold(request, new_hold):
    if getattr(new_hold, "replaced_earlier", False):
        messages.info(
            request,
            "This reservation replaces the one you made earlier for this event "
            "(one reservation per event; another tab showing the old one will say so).",
        )
    url = selector.checkout_url(new_hold)
    if _is_htmx(request):
        response = render(request, "tickets/_redirecting.html", {"url": url})
        response["HX-Redirect"] = url
    else:
        response = redirect(url)
    # Not a secret and not trusted: without it a request can only be refused from memory,
    # which the gate would have refused too unless the buyer's own hold is in the way.
    response.set_cookie(
        HOLDING_COOKIE,
        "1",
        max_age=settings.HOLD_SECONDS,
        path=_holding_cookie_path(new_hold.event),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
@require_GET
def hold_detail(request, pk):
    """The buyer's reservation with its countdown (lazily expired when read)."""
    hold = get_object_or_404(Hold.objects.select_related("event"), pk=pk, buyer=request.user)
    hold = services.expire_if_lapsed(hold)
    lines = list(hold.lines.select_related("ticket_type"))
    seats = [claim.seat for claim in hold.seat_claims.select_related("seat")]
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
            "ended_message": services.ended_message(hold),
            "newer_hold": services.newer_hold(hold),
        },
    )


@login_required
@require_POST
def release(request, pk):
    hold = get_object_or_404(Hold.objects.select_related("event"), pk=pk, buyer=request.user)
    if services.release_hold(hold=hold):
        messages.success(request, "Your tickets have been released.")
    else:
        messages.info(request, "That reservation had already ended.")
    response = redirect(selector.event_url(hold.event))
    response.delete_cookie(HOLDING_COOKIE, path=_holding_cookie_path(hold.event), samesite="Lax")
    return response


def bench_ceiling(request):
    """A bare template page with no database, the benchmark's ceiling (BENCHMARK_MODE only)."""
    if not settings.BENCHMARK_MODE:
        raise Http404
    return render(request, "tickets/bench_ceiling.html", {"title": "ceiling"})


@require_POST
def bench_buy(request, pk):
    """BENCHMARK_MODE only: stands in for checkout + payment by selling the buyer's hold."""
    if not settings.BENCHMARK_MODE or not request.user.is_authenticated:
        raise Http404
    hold = get_object_or_404(Hold, pk=pk, buyer=request.user)
    sold = services.sell_hold(hold=hold)
    return HttpResponse("sold" if sold else "gone", status=200 if sold else 410)

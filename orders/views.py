"""Checkout, payment return, order pages and the organizer's refund pages. Thin: each view
parses input, calls one service and renders; DomainError becomes a message and a 4xx."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts import guests
from accounts import permissions as perms
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from getiickets.query import query_params
from getiickets.templatetags.money import format_naira
from orders import access, services
from orders.forms import CheckoutForm, HoldQuery, PromoForm, ReferenceQuery, RefundForm
from orders.models import Order
from payments import services as payments
from payments.models import RefundBatch
from tickets import inventory as hold_services
from tickets.delivery import twilio_configured
from tickets.models import Hold

PROMO_TRIES = "20/m"  # guessing codes by brute force is slow


def buyer_or_guest_required(view):
    """Buyer pages: the signed-in buyer, or a guest's browser (accounts.guests) that placed
    or opened an order; anybody else signs in first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if guests.current_buyer(request) is None and not access.can_see_any(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _buyers_hold(request, hold_id):
    """The hold to check out, the buyer's own; a guest session's own holds only."""
    buyer = guests.current_buyer(request)
    if buyer is None:
        return None
    among = None if request.user.is_authenticated else guests.session_hold_ids(request)
    hold = services.active_hold_for(buyer=buyer, hold_id=hold_id, among=among)
    if hold is not None:
        hold.buyer = buyer  # already loaded: not read again
    return hold


def _event_url(event) -> str:
    return reverse("events:detail", kwargs={"slug": event.slug})


def _promo_key(hold) -> str:
    return f"checkout_promo_{hold.pk}"


def _applied_promo(request, hold):
    """The promo code kept in the session for this hold, re-validated now (None if refused)."""
    code = request.session.get(_promo_key(hold))
    if not code:
        return None, None
    try:
        return services.validate_promo(code=code, buyer=hold.buyer, hold=hold), None
    except services.PromoRefused as refused:
        request.session.pop(_promo_key(hold), None)
        return None, refused.message


def _item_labels(hold) -> list[str]:
    """One per admission, in the order's item order: a seat by its place, else "Regular 2"."""
    labels = []
    seats = services.held_seats_by_type(hold)
    for line in hold.lines.select_related("ticket_type").order_by("ticket_type_id"):
        placed = seats.get(line.ticket_type_id, [])
        for i in range(line.quantity):
            name = line.ticket_type.name
            labels.append(placed[i].place if i < len(placed) else f"{name} {i + 1}")
    return labels


def _price_context(request, hold, promo_error=None):
    promo, refused = _applied_promo(request, hold)
    quote = services.quote_for_hold(hold=hold, promo=promo)
    return {
        "hold": hold,
        "quote": quote,
        "promo": promo,
        "promo_error": promo_error or refused,
        "promo_form": PromoForm(),
    }


def _new_total_message(reason: str, hold) -> str:
    total = services.quote_for_hold(hold=hold).total_kobo
    return (
        f"{reason} Your total is now {format_naira(total)}. Check it and press Pay to continue "
        "at this price."
    )


def _price_change(request, hold, form, promo, refused) -> str:
    """Why the buyer must look at the price again before paying, or "" if it is what they saw:
    their promo code was refused since (used up by others, expired) or the total moved."""
    if refused:
        return _new_total_message(refused, hold)
    expected = form.cleaned_data.get("expected_total_kobo")
    total = services.quote_for_hold(hold=hold, promo=promo).total_kobo
    if expected is not None and expected != total:
        return (
            f"The price changed since you looked: your total is now {format_naira(total)}. "
            "Check it and press Pay to continue."
        )
    return ""


def _expired_redirect(request, hold):
    """A hold that is no longer live: say what happened to it, and lead to the reservation
    that replaced it (another tab) or back to the event."""
    newer = hold_services.newer_hold(hold)
    message = hold_services.ended_message(hold)
    if newer is not None:
        messages.info(request, f"{message} Here it is.")
        return redirect(f"{reverse('orders:checkout')}?hold={newer.pk}")
    messages.warning(request, f"{message} Please choose your tickets again.")
    return redirect(_event_url(hold.event))


@guests.buyer_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """Name and phone are asked here, not in a step before (issue 18 item 2). A guest's
    email and phone were given on the way in (accounts.guests) and are shown, not asked."""
    hold_id = query_params(request, HoldQuery)["hold"]
    hold = _buyers_hold(request, hold_id)
    if hold is None:
        if hold_id:
            raise Http404("No such reservation.")
        messages.info(request, "You have no tickets reserved. Choose an event to start.")
        return redirect("/")
    order = Order.objects.filter(hold=hold).first()
    if order is not None:
        if order.status in services.PAID_STATES:
            return redirect(f"{reverse('orders:success')}?reference={order.reference}")
        if order.status == Order.Status.PENDING and services.hold_is_live(hold):
            if request.method == "POST":  # a second click on Pay: the same Paystack page
                return _go_pay(request, order)
            return render(request, "orders/pay.html", {"order": order, "hold": hold})
        return _expired_redirect(request, hold)
    if not services.hold_is_live(hold):
        return _expired_redirect(request, hold)

    user = hold.buyer
    labels = _item_labels(hold)
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone or None}
    if user.is_guest:
        initial.update(email=user.guest_email, phone=guests.guest_phone(request) or None)
    form = CheckoutForm(
        request.POST or None, items=labels, initial=initial, fixed_contact=user.is_guest
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            promo, refused = _applied_promo(request, hold)
            changed = _price_change(request, hold, form, promo, refused)
            if changed:
                messages.warning(request, changed)
                context = _price_context(request, hold)
                context.update(
                    {"form": form, "attendee_fields": [form[n] for n in form.attendee_fields]}
                )
                return render(request, "orders/checkout.html", context, status=409)
            try:
                order = services.place_order(
                    buyer=user,
                    hold=hold,
                    details=services.BuyerDetails(
                        full_name=form.cleaned_data["full_name"],
                        email=form.cleaned_data["email"],
                        phone=form.cleaned_data["phone"].as_e164,
                    ),
                    attendee_names=form.attendee_names(),
                    promo_code=promo.code if promo else "",
                )
                guests.remember_order(request, order.pk)
                return _go_pay(request, order)
            except services.HoldExpired:
                return _expired_redirect(request, hold)
            except services.PromoRefused as refused:
                # Lost the race for the code's last use after the check above.
                request.session.pop(_promo_key(hold), None)
                messages.warning(request, _new_total_message(refused.message, hold))
                status = 409
            except DomainError as error:
                messages.error(request, error.message)
                status = error.status_code
        else:
            status = 400
    context = _price_context(request, hold)
    context.update({"form": form, "attendee_fields": [form[n] for n in form.attendee_fields]})
    return render(request, "orders/checkout.html", context, status=status)


def _go_pay(request, order):
    """Free orders complete at once; others go to Paystack (the same page on every click)."""
    try:
        if order.total_kobo == 0:
            services.complete_free_order(order=order, actor=order.buyer)
            return redirect(f"{reverse('orders:success')}?reference={order.reference}")
        return redirect(payments.start_payment(order=order))
    except services.HoldExpired:
        return _expired_redirect(request, order.hold)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('orders:checkout')}?hold={order.hold_id}")


@buyer_or_guest_required
@require_POST
def pay(request, reference):
    order = get_object_or_404(access.visible_orders(request), reference=reference)
    if order.status in services.PAID_STATES:
        return redirect(f"{reverse('orders:success')}?reference={order.reference}")
    if order.status != Order.Status.PENDING:
        return _expired_redirect(request, order.hold)
    return _go_pay(request, order)


@buyer_or_guest_required
@require_POST
def cancel(request, reference):
    order = get_object_or_404(access.visible_orders(request), reference=reference)
    if services.cancel(order=order, actor=order.buyer, source="buyer"):
        messages.success(request, "Your order was cancelled and the tickets went back on sale.")
    else:
        messages.error(request, "This order can no longer be cancelled.")
    return redirect("orders:detail", reference=order.reference)


@require_POST
def promo(request):
    if guests.current_buyer(request) is None:
        return redirect_to_login(reverse("orders:checkout"))
    hold_id = query_params(request, HoldQuery, data=request.POST)["hold"]
    hold = _buyers_hold(request, hold_id)
    if hold is None or hold.status != Hold.Status.ACTIVE:
        raise Http404("No such reservation.")
    error = None
    if request.POST.get("action") == "remove":
        request.session.pop(_promo_key(hold), None)
    elif is_ratelimited(request, group="promo", key="user", rate=PROMO_TRIES, increment=True):
        error = "Too many promo codes tried. Please wait a minute and try again."
    else:
        form = PromoForm(request.POST)
        code = form.data.get("code", "").strip()
        try:
            found = services.validate_promo(code=code, buyer=hold.buyer, hold=hold)
            request.session[_promo_key(hold)] = found.code
        except services.PromoRefused as refused:
            error = refused.message
    if request.headers.get("HX-Request"):
        context = _price_context(request, hold, promo_error=error)
        return render(request, "orders/_price.html", context, status=200)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            "Promo code removed."
            if request.POST.get("action") == "remove"
            else "Promo code applied.",
        )
    return redirect(f"{reverse('orders:checkout')}?hold={hold.pk}")


@buyer_or_guest_required
@require_GET
def callback(request):
    """The buyer returns from Paystack: verify, then success, confirming or back to checkout."""
    query = query_params(request, ReferenceQuery)
    reference = query["reference"] or query["trxref"]
    order = get_object_or_404(access.visible_orders(request), reference=reference)
    if order.status not in services.PAID_STATES:
        outcome, verified = payments.confirm(reference=order.reference, source="callback")
        order.refresh_from_db()
        if order.status not in services.PAID_STATES:
            status = verified.status if verified else ""
            if outcome == "mismatch":
                messages.error(
                    request,
                    "Your payment did not match this order. Our team has been alerted and "
                    "will contact you.",
                )
                return redirect("orders:detail", reference=order.reference)
            if outcome == "late_refunded":
                messages.warning(
                    request,
                    "Your payment arrived after the reservation expired and the tickets had "
                    "sold out. It is being refunded in full.",
                )
                return redirect("orders:detail", reference=order.reference)
            if status in ("failed", "abandoned", "reversed"):
                messages.error(request, "The payment did not go through. You can try again below.")
                if order.status == Order.Status.PENDING and order.hold_id:
                    return redirect(f"{reverse('orders:checkout')}?hold={order.hold_id}")
                return redirect("orders:detail", reference=order.reference)
            return redirect(f"{reverse('orders:confirming')}?reference={order.reference}")
    return redirect(f"{reverse('orders:success')}?reference={order.reference}")


@buyer_or_guest_required
@require_GET
def confirming(request):
    reference = query_params(request, ReferenceQuery)["reference"]
    order = get_object_or_404(access.visible_orders(request), reference=reference)
    if order.status in services.PAID_STATES:
        return redirect(f"{reverse('orders:success')}?reference={order.reference}")
    return render(request, "orders/confirming.html", {"order": order})


@buyer_or_guest_required
@require_GET
def success(request):
    order = get_object_or_404(
        access.visible_orders(request).select_related("event", "buyer"),
        reference=query_params(request, ReferenceQuery)["reference"],
    )
    if order.status not in services.PAID_STATES:
        return redirect("orders:detail", reference=order.reference)
    return render(request, "orders/success.html", {"order": order, **_guest_context(order)})


def _guest_context(order) -> dict:
    """A guest's order pages show its signed link and the way to an account."""
    if not order.buyer.is_guest:
        return {}
    return {
        "guest_order": True,
        "order_link": access.link_path(order),
        "link_texted": bool(order.phone) and twilio_configured(),  # never claim an SMS
    }


def _order_page(request, order):
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "items": order.items.select_related("ticket_type", "seat__section"),
            **_guest_context(order),
        },
    )


@buyer_or_guest_required
@require_GET
def detail(request, reference):
    order = get_object_or_404(
        access.visible_orders(request).select_related("event", "promo_code", "buyer"),
        reference=reference,
    )
    return _order_page(request, order)


@require_GET
def link(request, token):
    """The order page by its signed link (guest orders' email and SMS). The browser that
    opens it may then show this order's tickets, QR codes and PDF."""
    order = access.order_from_link(token)
    if order is None:
        raise Http404("No such order.")
    guests.remember_order(request, order.pk)
    response = _order_page(request, order)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never pass it on
    return response


# --- Organizer: refunds -------------------------------------------------------------------
def _organizer_order(request, reference):
    return get_object_or_404(
        Order.objects.select_related("event"),
        reference=reference,
        event__organizer=request.organizer,
    )


@organizer_permission(perms.REFUND_ORDERS)
@require_http_methods(["GET", "POST"])
def organizer_order(request, reference):
    """The order with its refund form. A refund is asked twice: the first POST shows the
    amount that will go back and to whom; only the confirming POST sends it."""
    order = _organizer_order(request, reference)
    form = RefundForm(request.POST or None, order=order)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            wanted = {
                "order": order,
                "amount_kobo": form.amount_kobo(),
                "item_ids": form.item_ids(),
                "actor": request.user,
                "source": "organizer",
                "reason": form.cleaned_data.get("reason", ""),
            }
            try:
                refund = payments.request_refund(
                    **wanted, confirm=True, confirmed_kobo=request.POST.get("confirm_kobo")
                )
            except payments.RefundToConfirm as ask:
                return _confirm_refund(request, order, form, ask.amount_kobo, changed=ask.changed)
            except payments.RefundRefused as error:
                messages.error(request, error.message)
                status = error.status_code
            except payments.gateway.GatewayError as error:
                messages.error(request, f"Paystack could not take the refund: {error}")
                status = 502
            else:
                messages.success(
                    request,
                    "Refund confirmed by Paystack."
                    if refund.status == refund.Status.PROCESSED
                    else "Refund sent to Paystack; the order updates when Paystack confirms.",
                )
                return redirect("orders:organizer_order", reference=order.reference)
        else:
            status = 400
    return render(
        request,
        "orders/organizer_order.html",
        {
            "order": order,
            "form": form,
            "items": order.items.select_related("ticket_type", "seat__section"),
            "refunds": order.refunds.select_related("requested_by"),
            "history": order.history.select_related("actor"),
        },
        status=status,
    )


def _confirm_refund(request, order, form, amount_kobo, *, changed=False):
    chosen = set(form.item_ids())
    return render(
        request,
        "orders/organizer_refund_confirm.html",
        {
            "order": order,
            "form": form,
            "amount_kobo": amount_kobo,
            "chosen_items": [
                i for i in order.items.select_related("ticket_type") if i.pk in chosen
            ],
            "changed": changed,
        },
        status=409 if changed else 200,
    )


@organizer_permission(perms.REFUND_ORDERS)
@require_GET
def event_refunds(request, event_id):
    from events.models import Event

    event = get_object_or_404(Event, pk=event_id, organizer=request.organizer)
    batches = RefundBatch.objects.filter(event=event)
    template = "orders/_refund_batches.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "orders/event_refunds.html",
        {"event": event, "batches": batches, "running": any(b.status != "done" for b in batches)},
    )

"""Buyers join the waitlist of a sold-out event or ticket type at /waitlist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from events.models import Event, TicketType
from getiickets.errors import DomainError
from getiickets.query import query_params
from orders import waitlist
from orders.models import WaitlistEntry
from orders.waitlist_forms import WaitlistForm, WaitlistTarget
from tickets.delivery import twilio_configured


def _target(request):
    source = request.POST if request.method == "POST" else request.GET
    target = query_params(request, WaitlistTarget, data=source)
    request.waitlist_quantity = target["quantity"]
    event = get_object_or_404(Event.objects.published(), slug=target["event"])
    ticket_type = None
    if target["ticket_type"]:
        ticket_type = get_object_or_404(
            TicketType, pk=target["ticket_type"], event=event, is_visible=True
        )
    return event, ticket_type


@login_required
def join(request):
    event, ticket_type = _target(request)
    user = request.user
    limit = waitlist.max_quantity(event=event, ticket_type=ticket_type)
    existing = (
        WaitlistEntry.objects.filter(buyer=user, event=event, status__in=["waiting", "offered"])
        .select_related("ticket_type")
        .first()
    )
    available = waitlist.available_for(event=event, ticket_type=ticket_type)
    form = WaitlistForm(
        request.POST or None,
        max_quantity=limit,
        initial={
            "email": user.email,
            "phone": user.phone or "",
            "quantity": min(request.waitlist_quantity or 1, limit or 1),
        },
    )
    status = 200
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            waitlist.join(
                buyer=user,
                event=event,
                ticket_type=ticket_type,
                quantity=form.cleaned_data["quantity"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"] or "",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            texts = bool(form.cleaned_data["phone"]) and twilio_configured()
            messages.success(
                request, f"You're on the waitlist. We'll email{' and text' if texts else ''} you."
            )
            return redirect(
                f"{request.path}?event={event.slug}"
                + (f"&ticket_type={ticket_type.pk}" if ticket_type else "")
            )
    elif request.method == "POST":
        status = 400 if existing is None else 409
    return render(
        request,
        "orders/waitlist_join.html",
        {
            "event": event,
            "ticket_type": ticket_type,
            "form": form,
            "available": available,
            "existing": existing,
            "sends_sms": twilio_configured(),  # never promise an SMS nobody can send
            "position": waitlist.position(existing) if existing else None,
        },
        status=status,
    )


@login_required
@require_POST
def leave(request, entry_id):
    entry = get_object_or_404(WaitlistEntry, pk=entry_id, buyer=request.user)
    waitlist.remove(entry=entry)
    messages.success(request, "You've left the waitlist.")
    return redirect(f"/waitlist?event={entry.event.slug}")

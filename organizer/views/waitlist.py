from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from orders import waitlist
from orders.models import WaitlistEntry
from organizer import services


@organizer_permission(perms.MANAGE_WAITLIST)
def waitlist_page(request, event_id):
    event = services.event_for(request.organizer, event_id)
    waitlist.expire_waitlist_offers_for_event(event=event)
    entries = list(services.waitlist_queue(event=event))
    live = [e for e in entries if e.status in ("waiting", "offered")]
    done = [e for e in entries if e.status not in ("waiting", "offered")]
    position = 0
    for entry in live:
        if entry.status == "waiting":
            position += 1
            entry.position = position
    return render(
        request,
        "organizer/ops/waitlist.html",
        {
            "event": event,
            "live": live,
            "done": done[-50:],
            "waiting_count": position,
            "ticket_types": event.ticket_types.all(),
        },
    )


def _entry(request, event_id, entry_id):
    event = services.event_for(request.organizer, event_id)
    return event, get_object_or_404(WaitlistEntry, pk=entry_id, event=event)


@organizer_permission(perms.MANAGE_WAITLIST)
@require_POST
def remove_entry(request, event_id, entry_id):
    event, entry = _entry(request, event_id, entry_id)
    waitlist.remove(entry=entry)
    messages.success(request, f"{entry.email} was removed from the waitlist.")
    return redirect("organizer:waitlist", event_id=event.pk)


@organizer_permission(perms.MANAGE_WAITLIST)
@require_POST
def send_offer(request, event_id, entry_id):
    event, entry = _entry(request, event_id, entry_id)
    try:
        waitlist.make_offer(entry=entry, by_hand=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Offer sent to {entry.email}.")
    return redirect("organizer:waitlist", event_id=event.pk)

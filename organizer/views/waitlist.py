from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from orders import waitlist
from orders.models import WaitlistEntry
from organizer import services

PAGE_SIZE = 50
DONE_SHOWN = 50


@organizer_permission(perms.MANAGE_WAITLIST)
def waitlist_page(request, event_id):
    event = services.event_for(request.organizer, event_id)
    waitlist.expire_waitlist_offers_for_event(event=event)
    queue = services.waitlist_queue(event=event)
    live_statuses = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
    page = Paginator(queue.filter(status__in=live_statuses), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    live = list(page.object_list)
    # Positions count only people still waiting; a page starts after the waiting ahead of it.
    waiting = queue.filter(status=WaitlistEntry.Status.WAITING)
    first = live[0] if live else None
    position = (
        waiting.filter(
            Q(created_at__lt=first.created_at) | Q(created_at=first.created_at, pk__lt=first.pk)
        ).count()
        if first
        else 0
    )
    for entry in live:
        if entry.status == WaitlistEntry.Status.WAITING:
            position += 1
            entry.position = position
    done = queue.exclude(status__in=live_statuses).order_by("-created_at", "-pk")[:DONE_SHOWN]
    return render(
        request,
        "organizer/ops/waitlist.html",
        {
            "event": event,
            "live": live,
            "page": page,
            "done": list(done),
            "waiting_count": waiting.count(),
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

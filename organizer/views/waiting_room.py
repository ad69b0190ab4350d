from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from organizer import services
from tickets.forms import WaitingRoomForm
from tickets.inventory import waiting_room


@organizer_permission(perms.MANAGE_EVENTS)
def waiting_room_page(request, event_id):
    """Switch the waiting room of an event's on-sale on or off and set its rate."""
    event = services.event_for(request.organizer, event_id)
    room = waiting_room.room_of(event)
    initial = {"enabled": bool(room and room.enabled)}
    if room and room.admissions_per_minute:
        initial["admissions_per_minute"] = room.admissions_per_minute
    form = WaitingRoomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        waiting_room.configure(event=event, **form.cleaned_data)
        messages.success(request, "Waiting room saved.")
        return redirect("organizer:waiting_room", event.pk)
    return render(
        request,
        "organizer/ops/waiting_room.html",
        {
            "event": event,
            "form": form,
            "default_rate": waiting_room.sustainable_per_minute(None),
            "can_run": waiting_room.can_run(),
        },
        status=400 if form.errors else 200,
    )

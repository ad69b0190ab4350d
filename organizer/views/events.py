"""Organizer pages for events, ticket types and the seat map builder.

Every query is filtered by the signed-in organizer: another organizer's event is a 404.
Views parse a form, call one service, and turn a DomainError into a message and a 4xx.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from events import seatmap, services
from events.forms import (
    EventForm,
    RenameRowForm,
    RenameSectionForm,
    SeatSectionForm,
    SeatSelectionForm,
    TicketTypeForm,
)
from events.models import Event, SeatSection, TicketType
from getiickets.errors import DomainError

EVENTS_PAGE_SIZE = 25


def _own_event(request, event_id) -> Event:
    return get_object_or_404(
        Event.objects.select_related("venue", "category"),
        pk=event_id,
        organizer=request.organizer,
    )


@organizer_permission(perms.MANAGE_EVENTS)
def event_list(request):
    organizer = request.organizer
    events = (
        Event.objects.owned_by(organizer)
        .select_related("venue")
        .annotate(
            capacity_total=Coalesce(Sum("ticket_types__capacity"), 0, output_field=IntegerField()),
            sold_total=Coalesce(Sum("ticket_types__sold"), 0, output_field=IntegerField()),
            type_count=Count("ticket_types"),
        )
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organizer/events/list.html",
        {"events": page.object_list, "page": page, "profile_complete": organizer.profile_complete},
    )


@organizer_permission(perms.MANAGE_EVENTS)
def event_create(request):
    organizer = request.organizer
    form = EventForm(request.POST or None, request.FILES or None, organizer=organizer)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        kwargs.pop("remove_cover_image", None)
        try:
            event = services.create_event(organizer=organizer, **kwargs)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"“{event.title}” was created as a draft. Add tickets next.")
            return redirect("organizer:event_edit", event_id=event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "organizer/events/create.html", {"form": form}, status=status)


def _edit_context(event, form, ticket_form=None):
    types = list(event.ticket_types.all())
    return {
        "event": event,
        "form": form,
        "ticket_types": types,
        "ticket_form": ticket_form or TicketTypeForm(event=event),
        "seat_count": event.seats.count() if event.is_reserved_seating else 0,
    }


@organizer_permission(perms.MANAGE_EVENTS)
def event_edit(request, event_id):
    event = _own_event(request, event_id)
    organizer = request.organizer
    form = EventForm(
        request.POST or None, request.FILES or None, instance=event, organizer=organizer
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_event(event=event, **form.service_kwargs())
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, "Event saved.")
                return redirect("organizer:event_edit", event_id=event.pk)
        else:
            status = 400
        event.refresh_from_db()
    return render(request, "organizer/events/edit.html", _edit_context(event, form), status=status)


@organizer_permission(perms.MANAGE_EVENTS)
def event_tickets(request, event_id):
    event = _own_event(request, event_id)
    return render(request, "organizer/events/tickets.html", _edit_context(event, form=None))


@organizer_permission(perms.MANAGE_EVENTS)
@require_POST
def ticket_type_add(request, event_id):
    event = _own_event(request, event_id)
    form = TicketTypeForm(request.POST, event=event)
    if form.is_valid():
        try:
            tt = services.add_ticket_type(event=event, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Ticket type “{tt.name}” added.")
            return redirect(reverse("organizer:event_edit", args=[event.pk]) + "#tickets")
    context = _edit_context(event, EventForm(instance=event, organizer=event.organizer), form)
    context["ticket_form_open"] = True
    return render(request, "organizer/events/edit.html", context, status=400)


@organizer_permission(perms.MANAGE_EVENTS)
def ticket_type_edit(request, event_id, ticket_type_id):
    event = _own_event(request, event_id)
    tt = get_object_or_404(TicketType, pk=ticket_type_id, event=event)
    form = TicketTypeForm(request.POST or None, instance=tt, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_ticket_type(ticket_type=tt, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Ticket type “{tt.name}” saved.")
                return redirect(reverse("organizer:event_edit", args=[event.pk]) + "#tickets")
        status = 400
    return render(
        request,
        "organizer/events/ticket_type.html",
        {"event": event, "ticket_type": tt, "form": form},
        status=status,
    )


@organizer_permission(perms.MANAGE_EVENTS)
@require_POST
def ticket_type_delete(request, event_id, ticket_type_id):
    event = _own_event(request, event_id)
    tt = get_object_or_404(TicketType, pk=ticket_type_id, event=event)
    try:
        services.delete_ticket_type(ticket_type=tt)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Ticket type “{tt.name}” removed.")
    return redirect(reverse("organizer:event_edit", args=[event.pk]) + "#tickets")


def _status_action(service, success):
    @organizer_permission(perms.MANAGE_EVENTS)
    @require_POST
    def view(request, event_id):
        event = _own_event(request, event_id)
        try:
            service(event=event)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success.format(title=event.title))
        return redirect("organizer:event_edit", event_id=event.pk)

    return view


event_publish = _status_action(services.publish_event, "“{title}” is live on getiickets.")
event_unpublish = _status_action(services.unpublish_event, "“{title}” is back in draft.")
event_cancel = _status_action(
    services.cancel_event, "“{title}” was cancelled. Buyers will be refunded."
)


# --- Seat map builder ---------------------------------------------------------------


def _seatmap_context(event, **forms):
    sections = list(SeatSection.objects.filter(event=event))
    types = list(event.ticket_types.all())
    seats = services.seat_rows(event)
    bands = seatmap.band_classes(types)
    counts = {}
    blocked = 0
    for _pk, _s, _r, _n, _x, _y, is_blocked, tt_id, _c in seats:
        if is_blocked:
            blocked += 1
        else:
            counts[tt_id] = counts.get(tt_id, 0) + 1
    return {
        "event": event,
        "sections": sections,
        "ticket_types": types,
        "legend": [{"type": t, "cls": bands[t.pk], "seats": counts.get(t.pk, 0)} for t in types],
        "seat_total": len(seats),
        "blocked_total": blocked,
        "svg": seatmap.render_svg(
            seats=seats, sections=sections, ticket_types=types, label=f"Seat map of {event}"
        ),
        "section_form": forms.get("section_form") or SeatSectionForm(event=event),
        "selection_form": forms.get("selection_form") or SeatSelectionForm(event=event),
        "rename_section_form": forms.get("rename_section_form") or RenameSectionForm(event=event),
        "rename_row_form": forms.get("rename_row_form") or RenameRowForm(event=event),
        "error": forms.get("error"),
        "notice": forms.get("notice"),
    }


def _seatmap_response(request, event, status=200, **forms):
    context = _seatmap_context(event, **forms)
    if request.headers.get("HX-Request"):
        return render(request, "organizer/events/_seatmap_builder.html", context, status=status)
    return render(request, "organizer/events/seats.html", context, status=status)


@organizer_permission(perms.MANAGE_EVENTS)
def seat_map(request, event_id):
    event = _own_event(request, event_id)
    return _seatmap_response(request, event)


def _seat_action(form_class, form_name, run, success):
    @organizer_permission(perms.MANAGE_EVENTS)
    @require_POST
    def view(request, event_id):
        event = _own_event(request, event_id)
        form = form_class(request.POST, event=event)
        if not form.is_valid():
            return _seatmap_response(request, event, status=400, **{form_name: form})
        try:
            result = run(event, form)
        except DomainError as exc:
            return _seatmap_response(
                request, event, status=409, error=exc.message, **{form_name: form}
            )
        message = success(form, result)
        if request.headers.get("HX-Request"):
            return _seatmap_response(request, event, notice=message)
        messages.success(request, message)
        return redirect("organizer:event_seats", event_id=event.pk)

    return view


seat_section_add = _seat_action(
    SeatSectionForm,
    "section_form",
    lambda event, form: services.generate_section(event=event, **form.cleaned_data),
    lambda form, section: (
        f"Section “{section.name}” added: {form.cleaned_data['rows']} rows × "
        f"{form.cleaned_data['seats_per_row']} seats."
    ),
)


def _run_selection(event, form):
    data = form.cleaned_data
    selection = form.selection()
    action = data["action"]
    if action == "band":
        return services.assign_price_band(event=event, ticket_type=data["ticket_type"], **selection)
    if action == "block":
        return services.set_seats_blocked(event=event, blocked=True, **selection)
    if action == "unblock":
        return services.set_seats_blocked(event=event, blocked=False, **selection)
    return services.delete_seats(event=event, **selection)


seat_selection = _seat_action(
    SeatSelectionForm,
    "selection_form",
    _run_selection,
    lambda form, n: (
        f"{dict(SeatSelectionForm.ACTIONS)[form.cleaned_data['action']]}: "
        f"{n} seat{'s' if n != 1 else ''} changed."
    ),
)

seat_section_rename = _seat_action(
    RenameSectionForm,
    "rename_section_form",
    lambda event, form: services.rename_section(
        event=event, section_id=form.cleaned_data["section"].pk, name=form.cleaned_data["name"]
    ),
    lambda form, section: f"Section renamed to “{section.name}”.",
)

seat_row_rename = _seat_action(
    RenameRowForm,
    "rename_row_form",
    lambda event, form: services.rename_row(
        event=event,
        section_id=form.cleaned_data["section"].pk,
        old_label=form.cleaned_data["old_label"].strip().upper(),
        new_label=form.cleaned_data["new_label"],
    ),
    lambda form, n: f"Row renamed ({n} seats).",
)


@organizer_permission(perms.MANAGE_EVENTS)
@require_POST
def seat_section_delete(request, event_id, section_id):
    event = _own_event(request, event_id)
    try:
        services.delete_section(event=event, section_id=section_id)
    except DomainError as exc:
        return _seatmap_response(request, event, status=409, error=exc.message)
    if request.headers.get("HX-Request"):
        return _seatmap_response(request, event, notice="Section deleted.")
    messages.success(request, "Section deleted.")
    return redirect("organizer:event_seats", event_id=event.pk)

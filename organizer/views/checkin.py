"""Door check-in: scan (camera, image or a keyboard-wedge scanner), manual search, offline
manifest and sync. Door staff scan; searching and admitting by hand needs CHECK_IN_BY_HAND."""

import json
from datetime import timedelta

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from events.models import Event
from organizer import services
from tickets import checkin

MAX_SYNC_BYTES = 2 * 1024 * 1024
MAX_SCAN_BYTES = 16 * 1024
MAX_TEXT = 500


class BadInput(ValueError):
    """The request's body or parameters are not what the check-in screen sends."""


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )


def _text(value, *, name: str) -> str:
    """A short text parameter without NUL or other control characters."""
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise BadInput(f"{name} must be text.")
    value = str(value)
    if len(value) > MAX_TEXT or any(ord(c) < 32 and c not in "\t" for c in value):
        raise BadInput(f"{name} has characters a scanner never sends.")
    return value.strip()


def _json_object(request, *, limit: int) -> dict:
    # A form or multipart body is parsed (and its stream consumed) by the middleware that
    # checks form fields, so only JSON may reach request.body here.
    if request.content_type != "application/json":
        raise BadInput("Send JSON (Content-Type: application/json).")
    if len(request.body) > limit:
        raise BadInput("The request is too large.")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise BadInput("The request is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadInput("Expected a JSON object.")
    return data


def _device(request, data) -> str:
    device = _text(data.get("device"), name="Device name")[:80]
    return device or f"{request.user.get_short_name()}'s device"


def _bad(request, message, status=400):
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "organizer/ops/check_in_error.html", {"message": message}, status=status)


@require_GET
def service_worker(request):
    """The check-in service worker, served under /organizer/ so that its scope covers every
    event's check-in page (a script under /static/ could only control /static/)."""
    response = render(
        request, "organizer/check_in_sw.js", content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@organizer_permission(perms.CHECK_IN)
def check_in_home(request):
    """Check-in for a door: the events this member checks in, soonest first."""
    events = (
        request.membership.events(Event.objects.select_related("venue"))
        .exclude(status=Event.Status.DRAFT)
        .filter(ends_at__gte=timezone.now() - timedelta(days=1))
        .order_by("starts_at")
    )
    return render(request, "organizer/ops/check_in_home.html", {"events": events})


@organizer_permission(perms.CHECK_IN)
def check_in_page(request, event_id):
    event = services.event_for(request.organizer, event_id)
    try:
        query = _text(request.GET.get("q"), name="Search")
    except BadInput as exc:
        return _bad(request, str(exc))
    by_hand = request.membership.can(perms.CHECK_IN_BY_HAND)
    return render(
        request,
        "organizer/ops/check_in.html",
        {
            "event": event,
            "progress": services.check_in_progress(event=event),
            "devices": services.check_in_by_device(event=event),
            "query": query,
            "by_hand": by_hand,
            "results": services.search_tickets(event=event, query=query)
            if query and by_hand
            else None,
        },
    )


@organizer_permission(perms.CHECK_IN)
@require_POST
def scan(request, event_id):
    """One scan or one manual admit. Answers JSON to the scanner script, HTML otherwise."""
    event = services.event_for(request.organizer, event_id)
    try:
        if request.content_type == "application/json":
            data = _json_object(request, limit=MAX_SCAN_BYTES)
        else:
            data = request.POST
        payload = _text(data.get("payload"), name="Code") or None
        ticket_id = _text(data.get("ticket_id"), name="Ticket") if not payload else ""
        if ticket_id and not ticket_id.isdigit():
            raise BadInput("Ticket must be a number.")
        device = _device(request, data)
    except BadInput as exc:
        return _bad(request, str(exc))
    if ticket_id and not request.membership.can(perms.CHECK_IN_BY_HAND):
        return _bad(request, "Your role scans tickets; admitting by hand is not allowed.", 403)
    result = checkin.check_in(
        event=event,
        payload=payload,
        ticket_id=int(ticket_id) if ticket_id else None,
        device=device,
        by=request.user,
    )
    if _wants_json(request):
        return JsonResponse(
            {**result.as_dict(), "counts": services.check_in_counts(event=event, device=device)}
        )
    template = (
        "organizer/ops/_scan_result.html"
        if request.headers.get("HX-Request")
        else "organizer/ops/check_in_result.html"
    )
    return render(request, template, {"event": event, "result": result})


@organizer_permission(perms.CHECK_IN)
@require_GET
def manifest(request, event_id):
    event = services.event_for(request.organizer, event_id)
    response = JsonResponse(services.check_in_manifest(event=event))
    response["Cache-Control"] = "no-store"
    return response


@organizer_permission(perms.CHECK_IN)
@require_GET
def counts(request, event_id):
    """The event's total inside and this device's count, polled by the check-in screen."""
    event = services.event_for(request.organizer, event_id)
    try:
        device = _device(request, request.GET)
    except BadInput as exc:
        return _bad(request, str(exc))
    response = JsonResponse(services.check_in_counts(event=event, device=device))
    response["Cache-Control"] = "no-store"
    return response


@organizer_permission(perms.CHECK_IN)
@require_POST
def sync(request, event_id):
    event = services.event_for(request.organizer, event_id)
    if request.content_type == "application/json" and len(request.body) > MAX_SYNC_BYTES:
        return JsonResponse({"error": "Too many records at once."}, status=413)
    try:
        data = _json_object(request, limit=MAX_SYNC_BYTES)
        records = data.get("records")
        if not isinstance(records, list):
            raise BadInput("Expected {device, records: [...]}.")
        device = _device(request, data)
    except BadInput as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if len(records) > checkin.MAX_SYNC_RECORDS:
        return JsonResponse(
            {"error": f"At most {checkin.MAX_SYNC_RECORDS} records at once."}, status=413
        )
    report = checkin.sync_offline(event=event, records=records, device=device, by=request.user)
    return JsonResponse(
        {
            **report.as_dict(),
            "synced_at": timezone.now().isoformat(),
            "counts": services.check_in_counts(event=event, device=device),
        }
    )

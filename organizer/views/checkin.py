"""Door check-in: scan (camera or image), manual search, offline manifest and sync."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import organizer_required
from organizer import services
from tickets import checkin

MAX_SYNC_BYTES = 2 * 1024 * 1024


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or (
        request.content_type == "application/json"
    )


def _device(request, data=None) -> str:
    device = (data or {}).get("device") or request.POST.get("device") or ""
    return str(device).strip()[:80] or f"{request.user.get_short_name()}'s device"


@organizer_required
def check_in_page(request, event_id):
    event = services.event_for(request.user.organizer, event_id)
    progress = services.check_in_progress(event=event)
    query = request.GET.get("q", "")
    return render(
        request,
        "organizer/ops/check_in.html",
        {
            "event": event,
            "progress": progress,
            "query": query,
            "results": services.search_tickets(event=event, query=query) if query else None,
        },
    )


@organizer_required
@require_POST
def scan(request, event_id):
    """One scan or one manual admit. Answers JSON to the scanner script, HTML otherwise."""
    event = services.event_for(request.user.organizer, event_id)
    data = {}
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
    else:
        data = request.POST
    payload = (data.get("payload") or "").strip() or None
    ticket_id = data.get("ticket_id")
    try:
        ticket_id = int(ticket_id) if ticket_id not in (None, "") else None
    except (TypeError, ValueError):
        ticket_id = None
    result = checkin.check_in(
        event=event,
        payload=payload if payload else None,
        ticket_id=None if payload else ticket_id,
        device=_device(request, data),
        by=request.user,
    )
    if _wants_json(request):
        return JsonResponse(result.as_dict())
    template = (
        "organizer/ops/_scan_result.html"
        if request.headers.get("HX-Request")
        else "organizer/ops/check_in_result.html"
    )
    return render(request, template, {"event": event, "result": result})


@organizer_required
@require_GET
def manifest(request, event_id):
    event = services.event_for(request.user.organizer, event_id)
    response = JsonResponse(services.check_in_manifest(event=event))
    response["Cache-Control"] = "no-store"
    return response


@organizer_required
@require_POST
def sync(request, event_id):
    event = services.event_for(request.user.organizer, event_id)
    if len(request.body) > MAX_SYNC_BYTES:
        return JsonResponse({"error": "Too many records at once."}, status=413)
    try:
        data = json.loads(request.body or b"{}")
        records = data["records"]
        if not isinstance(records, list):
            raise TypeError
        if len(records) > checkin.MAX_SYNC_RECORDS:
            return JsonResponse(
                {"error": f"At most {checkin.MAX_SYNC_RECORDS} records at once."}, status=413
            )
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Expected {device, records: [...]}."}, status=400)
    report = checkin.sync_offline(
        event=event, records=records, device=_device(request, data), by=request.user
    )
    return JsonResponse({**report.as_dict(), "synced_at": timezone.now().isoformat()})

import json
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import services
from payments.webhooks import signature_ok

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def paystack_webhook(request):
    """POST /api/v1/webhooks/paystack.

    Checks in order: size (411 without Content-Length; 413 before reading the body),
    signature (401, nothing stored), JSON (400); then the event is stored raw and acted on.
    Unknown references get 200 and are recorded as unmatched: a 4xx/5xx makes Paystack
    retry for days, and the event may belong to another integration on the same account;
    staff see it in the admin.
    """
    limit = settings.PAYSTACK_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        # Paystack always sends Content-Length; without it the body cannot be bounded
        # up front (and Django's WSGI stream would read it as empty).
        return HttpResponse("Length required", status=411)
    if declared > limit:
        return HttpResponse("Payload too large", status=413)
    body = request.read(limit + 1)  # never more than the limit, whatever was declared
    if len(body) > limit:
        return HttpResponse("Payload too large", status=413)
    if not signature_ok(body, request.headers.get("x-paystack-signature", "")):
        log.warning("paystack webhook with a bad signature", extra={"bytes": len(body)})
        return HttpResponse("Invalid signature", status=401)
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("Malformed JSON", status=400)
    if not isinstance(event, dict):
        return HttpResponse("Malformed event", status=400)
    record = services.handle_webhook(body=body, event=event)
    return JsonResponse({"received": True, "outcome": record.outcome})

"""The offline Paystack stand-in: Paystack's HTTP API (initialize, verify, refund) with
Bearer-key auth, and a hosted checkout page with Pay and Decline. No real money moves.

On Pay it posts a correctly signed charge.success webhook to SITE_URL + the webhook path,
from a background thread (a single-threaded dev server would otherwise wait on itself), or
inline when settings.PAYSTACK_SANDBOX_SYNC_WEBHOOKS is on (tests).
"""

import json
import logging
import secrets
import threading

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from payments.models import SandboxTransaction
from payments.webhooks import sign

log = logging.getLogger(__name__)


def _enabled():
    if not settings.PAYSTACK_SANDBOX:
        raise Http404()


def _fail(message, status=400):
    return JsonResponse({"status": False, "message": message}, status=status)


def _authorised(request) -> bool:
    expected = f"Bearer {settings.PAYSTACK_SECRET_KEY}"
    return secrets.compare_digest(request.headers.get("Authorization", ""), expected)


def _transaction_json(tx: SandboxTransaction) -> dict:
    return {
        "id": tx.pk,
        "domain": "test",
        "status": tx.status,
        "reference": tx.reference,
        "amount": tx.amount_kobo,
        "currency": tx.currency,
        "channel": "card" if tx.status == "success" else None,
        "paid_at": tx.paid_at.isoformat().replace("+00:00", "Z") if tx.paid_at else None,
        "created_at": tx.created_at.isoformat().replace("+00:00", "Z"),
        # Paystack returns metadata as it was sent: here a JSON string (a known quirk).
        "metadata": tx.metadata or "",
        "customer": {"email": tx.email},
        "gateway_response": {"success": "Successful", "failed": "Declined"}.get(
            tx.status, "Pending"
        ),
    }


@csrf_exempt
@require_http_methods(["POST"])
def initialize(request):
    _enabled()
    if not _authorised(request):
        return _fail("Invalid key", status=401)
    try:
        data = json.loads(request.body or b"{}")
        amount = int(data.get("amount"))
    except (TypeError, ValueError):
        return _fail("Invalid amount")
    reference = str(data.get("reference") or f"sbx-{secrets.token_hex(8)}")
    if amount <= 0 or not data.get("email"):
        return _fail("Amount and email are required")
    metadata = data.get("metadata") or ""
    if isinstance(metadata, dict):
        metadata = json.dumps(metadata)
    access_code = secrets.token_urlsafe(12)
    with transaction.atomic():
        if SandboxTransaction.objects.filter(reference=reference).exists():
            return _fail("Duplicate Transaction Reference")
        SandboxTransaction.objects.create(
            reference=reference,
            access_code=access_code,
            amount_kobo=amount,
            currency=str(data.get("currency") or "NGN"),
            email=data["email"],
            callback_url=str(data.get("callback_url") or ""),
            metadata=str(metadata),
            channels=",".join(data.get("channels") or []),
        )
    url = settings.PAYSTACK_BASE_URL.rstrip("/") + f"/checkout/{access_code}"
    return JsonResponse(
        {
            "status": True,
            "message": "Authorization URL created",
            "data": {"authorization_url": url, "access_code": access_code, "reference": reference},
        }
    )


@require_GET
def verify(request, reference):
    _enabled()
    if not _authorised(request):
        return _fail("Invalid key", status=401)
    tx = SandboxTransaction.objects.filter(reference=reference).first()
    if tx is None:
        return _fail("Transaction reference not found", status=404)
    return JsonResponse(
        {"status": True, "message": "Verification successful", "data": _transaction_json(tx)}
    )


@csrf_exempt
@require_http_methods(["POST"])
def refund(request):
    _enabled()
    if not _authorised(request):
        return _fail("Invalid key", status=401)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _fail("Invalid body")
    with transaction.atomic():
        tx = (
            SandboxTransaction.objects.select_for_update()
            .filter(reference=str(data.get("transaction") or ""))
            .first()
        )
        if tx is None:
            return _fail("Transaction not found", status=404)
        if tx.status != SandboxTransaction.Status.SUCCESS:
            return _fail("Cannot refund an unsuccessful transaction")
        left = tx.amount_kobo - tx.refunded_kobo
        amount = int(data.get("amount") or left)
        if amount <= 0 or amount > left:
            return _fail("Refund amount cannot be greater than the transaction amount")
        SandboxTransaction.objects.filter(pk=tx.pk).update(
            refunded_kobo=F("refunded_kobo") + amount
        )
    # The sandbox refunds at once and says so in the answer ("processed"); amounts come back
    # as strings, as Paystack sometimes sends them.
    return JsonResponse(
        {
            "status": True,
            "message": "Refund has been queued for processing",
            "data": {
                "id": int(timezone.now().timestamp() * 1000) + tx.pk,
                "transaction": {"reference": tx.reference, "id": tx.pk},
                "amount": str(amount),
                "currency": tx.currency,
                "status": "processed",
            },
        }
    )


def charge_success_body(tx: SandboxTransaction, **overrides) -> bytes:
    data = _transaction_json(tx)
    data.update(overrides)
    return json.dumps({"event": "charge.success", "data": data}).encode()


def post_webhook(body: bytes) -> int | None:
    url = settings.SITE_URL + reverse("payments:paystack_webhook")
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", "x-paystack-signature": sign(body)},
            timeout=settings.PAYSTACK_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        log.warning("sandbox webhook failed: %s", exc)
        return None
    return response.status_code


def _send_webhook(body: bytes) -> None:
    if getattr(settings, "PAYSTACK_SANDBOX_SYNC_WEBHOOKS", False):
        post_webhook(body)
    else:
        threading.Thread(target=post_webhook, args=(body,), daemon=True).start()


@require_http_methods(["GET", "POST"])
def checkout(request, access_code):
    _enabled()
    tx = get_object_or_404(SandboxTransaction, access_code=access_code)
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice == "pay" and tx.status != SandboxTransaction.Status.SUCCESS:
            SandboxTransaction.objects.filter(pk=tx.pk).exclude(
                status=SandboxTransaction.Status.SUCCESS
            ).update(status=SandboxTransaction.Status.SUCCESS, paid_at=timezone.now())
            tx.refresh_from_db()
            _send_webhook(charge_success_body(tx))
        elif choice == "decline" and tx.status != SandboxTransaction.Status.SUCCESS:
            SandboxTransaction.objects.filter(pk=tx.pk).update(
                status=SandboxTransaction.Status.FAILED
            )
        if tx.callback_url:
            sep = "&" if "?" in tx.callback_url else "?"
            return redirect(f"{tx.callback_url}{sep}reference={tx.reference}&trxref={tx.reference}")
        return redirect(request.path)
    return render(request, "payments/sandbox/checkout.html", {"tx": tx})

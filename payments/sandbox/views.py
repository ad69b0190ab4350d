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
from functools import wraps

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


def paystack_api(view):
    """Paystack's API as the sandbox speaks it: mounted only in sandbox mode, and only for
    callers sending the secret key (401 otherwise, as Paystack answers)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        _enabled()
        if not _authorised(request):
            return _fail("Invalid key", status=401)
        if request.method == "POST" and request.content_type != "application/json":
            return _fail("Send a JSON body (Content-Type: application/json)")
        return view(request, *args, **kwargs)

    return wrapped


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
        # Paystack's local card fee: 1.5 % + ₦100 (the ₦100 waived under ₦2,500), at most ₦2,000.
        "fees": min(
            (tx.amount_kobo * 15 + 500) // 1000 + (10_000 if tx.amount_kobo >= 250_000 else 0),
            200_000,
        ),
        "customer": {"email": tx.email},
        "gateway_response": {"success": "Successful", "failed": "Declined"}.get(
            tx.status, "Pending"
        ),
    }


@csrf_exempt
@require_http_methods(["POST"])
@paystack_api
def initialize(request):
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
@paystack_api
def verify(request, reference):
    tx = SandboxTransaction.objects.filter(reference=reference).first()
    if tx is None:
        return _fail("Transaction reference not found", status=404)
    return JsonResponse(
        {"status": True, "message": "Verification successful", "data": _transaction_json(tx)}
    )


@csrf_exempt
@require_http_methods(["POST"])
@paystack_api
def refund(request):
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


# --- Payouts: banks, account names, recipients, transfers -----------------------------------
# Paystack's codes for a few Nigerian banks (GET /bank answers with these).
BANKS = [
    ("Access Bank", "044", "access-bank"),
    ("Ecobank Nigeria", "050", "ecobank-nigeria"),
    ("Fidelity Bank", "070", "fidelity-bank"),
    ("First Bank of Nigeria", "011", "first-bank-of-nigeria"),
    ("First City Monument Bank", "214", "first-city-monument-bank"),
    ("Guaranty Trust Bank", "058", "guaranty-trust-bank"),
    ("Kuda Bank", "50211", "kuda-bank"),
    ("Moniepoint MFB", "50515", "moniepoint-mfb-ng"),
    ("OPay Digital Services Limited (OPay)", "999992", "paycom"),
    ("Stanbic IBTC Bank", "221", "stanbic-ibtc-bank"),
    ("Sterling Bank", "232", "sterling-bank"),
    ("United Bank For Africa", "033", "united-bank-for-africa"),
    ("Wema Bank", "035", "wema-bank"),
    ("Zenith Bank", "057", "zenith-bank"),
]
NAMES = ["ADAEZE NGOZI OKONKWO", "TUNDE BAKARE", "CHIOMA EZE", "IBRAHIM MUSA", "FUNKE ADEYEMI"]
# Account numbers that steer the sandbox: 000… does not resolve; …0001 transfers fail;
# …0002 transfers succeed and are then reversed by the bank.
FAILING_SUFFIX, REVERSED_SUFFIX = "0001", "0002"


def _stamp(when) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _bank(code: str):
    return next((b for b in BANKS if b[1] == code), None)


@require_GET
@paystack_api
def banks(request):
    data = [
        {
            "id": i + 1,
            "name": name,
            "slug": slug,
            "code": code,
            "longcode": "",
            "gateway": None,
            "pay_with_bank": False,
            "supports_transfer": True,
            "active": True,
            "country": "Nigeria",
            "currency": "NGN",
            "type": "nuban",
            "is_deleted": False,
        }
        for i, (name, code, slug) in enumerate(BANKS)
    ]
    return JsonResponse(
        {
            "status": True,
            "message": "Banks retrieved",
            "data": data,
            "meta": {"next": None, "previous": None, "perPage": len(data)},
        }
    )


@require_GET
@paystack_api
def resolve(request):
    number = request.GET.get("account_number", "")
    bank = _bank(request.GET.get("bank_code", ""))
    if bank is None or len(number) != 10 or not number.isdigit() or number.startswith("000"):
        return _fail("Could not resolve account name. Check parameters or try again.", 422)
    return JsonResponse(
        {
            "status": True,
            "message": "Account number resolved",
            "data": {
                "account_number": number,
                "account_name": NAMES[int(number) % len(NAMES)],
                "bank_id": BANKS.index(bank) + 1,
            },
        }
    )


def _recipient_json(r) -> dict:
    bank = _bank(r.bank_code)
    return {
        "active": True,
        "createdAt": _stamp(r.created_at),
        "currency": "NGN",
        "domain": "test",
        "id": r.pk,
        "integration": 100073,
        "name": r.name,
        "recipient_code": r.recipient_code,
        "type": "nuban",
        "updatedAt": _stamp(r.created_at),
        "is_deleted": False,
        "details": {
            "authorization_code": None,
            "account_number": r.account_number,
            "account_name": r.name,
            "bank_code": r.bank_code,
            "bank_name": bank[0] if bank else "",
        },
    }


@csrf_exempt
@require_http_methods(["POST"])
@paystack_api
def transfer_recipient(request):
    from payments.models import SandboxRecipient

    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _fail("Invalid body")
    number, code = str(data.get("account_number") or ""), str(data.get("bank_code") or "")
    if data.get("type") != "nuban" or _bank(code) is None or len(number) != 10:
        return _fail("Account number is invalid")
    recipient = SandboxRecipient.objects.create(
        recipient_code="RCP_" + secrets.token_hex(8),
        name=str(data.get("name") or "")[:150],
        bank_code=code,
        account_number=number,
    )
    return JsonResponse(
        {
            "status": True,
            "message": "Transfer recipient created successfully",
            "data": _recipient_json(recipient),
        },
        status=201,
    )


def _transfer_json(t) -> dict:
    return {
        "amount": t.amount_kobo,
        "currency": "NGN",
        "domain": "test",
        "failures": None,
        "id": t.pk,
        "integration": 100073,
        "reason": t.reason,
        "reference": t.reference,
        "source": "balance",
        "source_details": None,
        "status": t.status,
        "titan_code": None,
        "transfer_code": t.transfer_code,
        "transferred_at": None,
        "recipient": _recipient_json(t.recipient),
        "createdAt": _stamp(t.created_at),
        "updatedAt": _stamp(timezone.now()),
    }


def transfer_event_body(t, event: str) -> bytes:
    return json.dumps({"event": event, "data": _transfer_json(t)}).encode()


def _finish_transfer(t) -> None:
    """What the bank does with it, as webhooks signed like Paystack's."""
    from payments.models import SandboxTransfer

    number = t.recipient.account_number
    outcomes = (
        [("failed", "transfer.failed")]
        if number.endswith(FAILING_SUFFIX)
        else [("success", "transfer.success")]
        + ([("reversed", "transfer.reversed")] if number.endswith(REVERSED_SUFFIX) else [])
    )

    def run():
        for status, event in outcomes:
            SandboxTransfer.objects.filter(pk=t.pk).update(status=status)
            t.status = status
            post_webhook(transfer_event_body(t, event))

    if getattr(settings, "PAYSTACK_SANDBOX_SYNC_WEBHOOKS", False):
        transaction.on_commit(run)
    else:
        transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())


@csrf_exempt
@require_http_methods(["POST"])
@paystack_api
def transfer(request):
    from payments.models import SandboxRecipient, SandboxTransfer

    try:
        data = json.loads(request.body or b"{}")
        amount = int(data.get("amount"))
    except (TypeError, ValueError):
        return _fail("Invalid amount")
    recipient = SandboxRecipient.objects.filter(
        recipient_code=str(data.get("recipient") or "")
    ).first()
    reference = str(data.get("reference") or "")
    if recipient is None:
        return _fail("Recipient specified is invalid", 404)
    if amount <= 0 or not reference:
        return _fail("Amount and reference are required")
    with transaction.atomic():
        if SandboxTransfer.objects.filter(reference=reference).exists():
            return _fail("Duplicate Transfer Reference")
        t = SandboxTransfer.objects.create(
            reference=reference,
            transfer_code="TRF_" + secrets.token_hex(8),
            recipient=recipient,
            amount_kobo=amount,
            reason=str(data.get("reason") or "")[:255],
        )
        _finish_transfer(t)
    # Paystack answers before the bank does: the transfer is pending until its webhook.
    t.status = "pending"
    return JsonResponse(
        {"status": True, "message": "Transfer has been queued", "data": _transfer_json(t)}
    )


@require_GET
@paystack_api
def transfer_verify(request, reference):
    from payments.models import SandboxTransfer

    t = SandboxTransfer.objects.filter(reference=reference).first()
    if t is None:
        return _fail("Transfer not found", 404)
    return JsonResponse(
        {"status": True, "message": "Transfer retrieved", "data": _transfer_json(t)}
    )

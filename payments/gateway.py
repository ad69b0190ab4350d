"""The Paystack adapter: the ONLY module that imports `paystackapi`.

The package keeps its key and base URL in module globals read at import, shares one HTTP
state object between every instance (a "Borg"), and calls `requests.get/post` with no
timeout. So on every call this adapter:

* installs, in that shared state, a request object built from the current settings
  (PAYSTACK_SECRET_KEY, PAYSTACK_BASE_URL) — tests can change settings between calls;
* sends through `requests.request(..., timeout=settings.PAYSTACK_TIMEOUT_SECONDS)`, so no
  call can hang a worker;
* turns network errors, non-JSON bodies and `status: false` answers into GatewayError;
* normalises Paystack's quirks (metadata as a string, "" or 0; amounts as strings).

`reset()` drops the shared state (tests call it between cases).
"""

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import paystackapi
import requests
from django.conf import settings
from django.utils.dateparse import parse_datetime
from paystackapi.base import PayStackBase, PayStackRequests
from paystackapi.misc import Misc
from paystackapi.refund import Refund
from paystackapi.transaction import Transaction
from paystackapi.transfer import Transfer
from paystackapi.trecipient import TransferRecipient
from paystackapi.verification import Verification
from urllib3.exceptions import NewConnectionError

from getiickets.external import ensure_outside_transaction

log = logging.getLogger(__name__)

CHANNELS = ["card", "bank", "ussd", "bank_transfer"]


class GatewayError(Exception):
    """Paystack could not be reached or refused the request."""


class GatewayUnreachable(GatewayError):
    """Sent but not answered (a read timeout, a dropped connection): Paystack may or may
    not have acted on it."""


class DuplicateReference(GatewayError):
    """Paystack already has a transaction with this reference (it refuses a second one)."""


class _TimedRequests(PayStackRequests):
    """paystackapi's request object, but every call carries a timeout."""

    def __init__(self, api_url: str, headers: dict, timeout: float):
        super().__init__(api_url=api_url, headers=headers)
        self.timeout = timeout
        self.config = (api_url, headers.get("Authorization"), timeout)

    def _verb(self, verb):
        return partial(requests.request, verb, timeout=self.timeout)

    def get(self, endpoint, **kwargs):
        return self._request(self._verb("GET"), endpoint, **kwargs)

    def post(self, endpoint, **kwargs):
        return self._request(self._verb("POST"), endpoint, **kwargs)

    def put(self, endpoint, **kwargs):
        return self._request(self._verb("PUT"), endpoint, **kwargs)


_lock = threading.Lock()


def _configure() -> None:
    """Point the client at the configured Paystack with the configured key and timeout."""
    base = settings.PAYSTACK_BASE_URL.rstrip("/") + "/"
    key = settings.PAYSTACK_SECRET_KEY
    headers = {"Authorization": f"Bearer {key}"}
    wanted = (base, headers["Authorization"], float(settings.PAYSTACK_TIMEOUT_SECONDS))
    with _lock:
        current = PayStackBase._shared_state.get("requests")
        if getattr(current, "config", None) == wanted:
            return
        paystackapi.SECRET_KEY = key
        paystackapi.API_URL = base
        PayStackBase._shared_state["requests"] = _TimedRequests(base, headers, wanted[2])


def reset() -> None:
    """Forget the configured client (tests call this so no state leaks between cases)."""
    with _lock:
        PayStackBase._shared_state.pop("requests", None)


def _never_sent(exc) -> bool:
    """The request cannot have reached Paystack (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _call(fn, *args, **kwargs) -> dict:
    ensure_outside_transaction("Paystack")
    _configure()
    try:
        answer = fn(*args, **kwargs)
    except (requests.RequestException, ValueError) as exc:  # ValueError: a non-JSON body
        log.warning("paystack call failed", extra={"error": str(exc)})
        error = GatewayError if _never_sent(exc) else GatewayUnreachable
        raise error("Paystack could not be reached. Please try again.") from exc
    if not isinstance(answer, dict) or not answer.get("status"):
        message = answer.get("message") if isinstance(answer, dict) else ""
        if "duplicate transaction reference" in str(message).lower():
            raise DuplicateReference(message)
        raise GatewayError(message or "Paystack refused the request.")
    return answer.get("data") or {}


def to_kobo(value) -> int:
    """Paystack amounts are integers in kobo, but sometimes arrive as strings."""
    if value in (None, ""):
        return 0
    try:
        return int(str(value).split(".")[0])
    except ValueError:
        return 0


def normalise_metadata(value) -> dict:
    """metadata can be a dict, a JSON string, "" or 0."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip():
        try:
            loaded = json.loads(value)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def _when(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    return parse_datetime(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class VerifiedPayment:
    status: str  # success, failed, abandoned, ongoing, pending, reversed...
    amount_kobo: int
    currency: str
    reference: str
    paid_at: datetime | None
    channel: str
    metadata: dict
    customer_email: str = ""
    fees_kobo: int = 0


def payment_from(data: dict) -> VerifiedPayment:
    """Read a transaction object (verify answer or charge.success webhook data)."""
    return VerifiedPayment(
        status=str(data.get("status") or ""),
        amount_kobo=to_kobo(data.get("amount")),
        currency=str(data.get("currency") or "").upper(),
        reference=str(data.get("reference") or ""),
        paid_at=_when(data.get("paid_at") or data.get("paidAt")),
        channel=str(data.get("channel") or ""),
        metadata=normalise_metadata(data.get("metadata")),
        fees_kobo=to_kobo(data.get("fees")),
        customer_email=str(
            (data.get("customer") or {}).get("email") or ""
            if isinstance(data.get("customer"), dict)
            else ""
        ),
    )


@dataclass(frozen=True)
class Initialized:
    authorization_url: str
    access_code: str
    reference: str


def initialize(
    *, reference: str, amount_kobo: int, email: str, callback_url: str, metadata: dict
) -> Initialized:
    data = _call(
        Transaction.initialize,
        reference=reference,
        amount=int(amount_kobo),
        email=email,
        currency="NGN",
        callback_url=callback_url,
        metadata=json.dumps(metadata),
        channels=CHANNELS,
    )
    url = data.get("authorization_url")
    if not url:
        raise GatewayError("Paystack did not return a payment page.")
    return Initialized(
        authorization_url=url,
        access_code=str(data.get("access_code") or ""),
        reference=str(data.get("reference") or reference),
    )


def verify(reference: str) -> VerifiedPayment:
    return payment_from(_call(Transaction.verify, reference))


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # pending, processing, processed, failed
    amount_kobo: int


def refund(*, reference: str, amount_kobo: int) -> RefundResult:
    data = _call(Refund.create, transaction=reference, amount=int(amount_kobo))
    return RefundResult(
        refund_id=str(data.get("id") or ""),
        status=str(data.get("status") or "pending"),
        amount_kobo=to_kobo(data.get("amount")) or int(amount_kobo),
    )


# --- Payouts: banks, account names, transfer recipients, transfers ---------------------------
@dataclass(frozen=True)
class Bank:
    code: str
    name: str


def list_banks() -> list[Bank]:
    """Nigerian banks that take NUBAN transfers (GET /bank)."""
    _configure()
    try:
        answer = Misc.list_banks(country="nigeria", currency="NGN", type="nuban", perPage=500)
    except (requests.RequestException, ValueError) as exc:
        raise GatewayError("Paystack could not be reached. Please try again.") from exc
    if not isinstance(answer, dict) or not answer.get("status"):
        raise GatewayError("Paystack did not return the bank list.")
    return [
        Bank(code=str(b.get("code") or ""), name=str(b.get("name") or ""))
        for b in answer.get("data") or []
        if isinstance(b, dict) and b.get("code") and b.get("active", True)
    ]


def resolve_account(*, account_number: str, bank_code: str) -> str:
    """The account holder's name as the bank has it (GET /bank/resolve)."""
    data = _call(Verification.verify_account, account_number=account_number, bank_code=bank_code)
    name = str(data.get("account_name") or "").strip()
    if not name:
        raise GatewayError("The bank did not return a name for that account number.")
    return name


def create_recipient(*, name: str, account_number: str, bank_code: str) -> str:
    """A NUBAN transfer recipient (POST /transferrecipient); returns its recipient_code."""
    data = _call(
        TransferRecipient.create,
        type="nuban",
        name=name,
        account_number=account_number,
        bank_code=bank_code,
        currency="NGN",
    )
    code = str(data.get("recipient_code") or "")
    if not code:
        raise GatewayError("Paystack did not create the transfer recipient.")
    return code


@dataclass(frozen=True)
class TransferResult:
    reference: str
    transfer_code: str
    status: str  # pending, success, failed, reversed, otp...
    amount_kobo: int


def _transfer_from(data: dict) -> TransferResult:
    return TransferResult(
        reference=str(data.get("reference") or ""),
        transfer_code=str(data.get("transfer_code") or ""),
        status=str(data.get("status") or ""),
        amount_kobo=to_kobo(data.get("amount")),
    )


def initiate_transfer(
    *, amount_kobo: int, recipient_code: str, reference: str, reason: str
) -> TransferResult:
    """POST /transfer from the Paystack balance. The reference is ours and unique."""
    return _transfer_from(
        _call(
            Transfer.initiate,
            source="balance",
            amount=int(amount_kobo),
            recipient=recipient_code,
            reference=reference,
            reason=reason,
            currency="NGN",
        )
    )


def find_transfer(reference: str) -> TransferResult | None:
    """GET /transfer/verify/:reference — None if Paystack has no transfer with it.
    (paystackapi's Transfer.verify drops the "transfer/" prefix, so the path is built here.)"""
    _configure()
    try:
        answer = PayStackBase().requests.get(f"transfer/verify/{reference}")
    except (requests.RequestException, ValueError) as exc:
        raise GatewayError("Paystack could not be reached. Please try again.") from exc
    if not isinstance(answer, dict) or not answer.get("status"):
        return None
    return _transfer_from(answer.get("data") or {})


def transfer_from(data: dict) -> TransferResult:
    """Read the data of a transfer.* webhook."""
    return _transfer_from(data)

"""Stand-in for Paystack's API (transaction/initialize, transaction/verify, refund, and for
payouts bank, bank/resolve, transferrecipient, transfer, transfer/verify), the way paystackapi
calls it, on 127.0.0.1.

Like Paystack it checks the Bearer key and refuses a second transaction with a reference it
already has ("Duplicate Transaction Reference"). While answering each call it looks at the
test database (TransactionProbe): a transaction the caller holds open across the call is
recorded in `findings`, and so is an order row it cannot lock within 2 s (SELECT ... FOR
UPDATE from its own connection). `initialized` lists every reference a transaction was made for.
"""

import json
import re
import secrets
from urllib.parse import parse_qs, urlsplit

from tests.standins.http import JsonHandler, Standin, TransactionProbe


class PaystackHandler(JsonHandler):
    def _authorised(self) -> bool:
        return self.headers.get("Authorization") == f"Bearer {self.standin.secret_key}"

    def do_POST(self):
        standin: PaystackStandin = self.standin
        try:
            payload = json.loads(self.body() or b"{}")
        except ValueError:
            return self.reply(400, {"status": False, "message": "Invalid JSON"})
        if not self._authorised():
            return self.reply(401, {"status": False, "message": "Invalid key"})
        path = self.path.rstrip("/")
        standin.probe.check(f"POST {path}")
        reference = str(payload.get("reference") or payload.get("transaction") or "")
        standin.probe.row_lockable(f"POST {path}", "orders_order", "reference", reference)
        if path == "/transaction/initialize":
            with standin.lock:
                standin.requests.append(("initialize", reference))
                if reference in standin.transactions:
                    return self.reply(
                        400, {"status": False, "message": "Duplicate Transaction Reference"}
                    )
                code = secrets.token_urlsafe(9)
                standin.transactions[reference] = {
                    "reference": reference,
                    "amount": int(payload.get("amount") or 0),
                    "currency": payload.get("currency") or "NGN",
                    "status": "ongoing",
                    "access_code": code,
                    # Paystack gives metadata back as it was sent (here a JSON string).
                    "metadata": payload.get("metadata") or "",
                    "customer": {"email": payload.get("email") or "", "customer_code": "CUS_x"},
                }
                standin.initialized.append(reference)
            return self.reply(
                200,
                {
                    "status": True,
                    "message": "Authorization URL created",
                    "data": {
                        "authorization_url": f"{standin.url}/checkout/{code}",
                        "access_code": code,
                        "reference": reference,
                    },
                },
            )
        if path == "/refund":
            with standin.lock:
                standin.requests.append(("refund", reference))
                tx = standin.transactions.get(reference)
                if tx is None:
                    return self.reply(404, {"status": False, "message": "Transaction not found"})
                standin.refunds.append((reference, int(payload.get("amount") or tx["amount"])))
            return self.reply(
                200,
                {
                    "status": True,
                    "message": "Refund has been queued for processing",
                    "data": {
                        "id": len(standin.refunds),
                        "transaction": {"reference": reference},
                        "amount": payload.get("amount") or tx["amount"],
                        "status": "pending",
                    },
                },
            )
        if path == "/transferrecipient":
            with standin.lock:
                standin.requests.append(("transferrecipient", str(payload.get("account_number"))))
                code = f"RCP_{len(standin.recipients) + 1:08d}"
                standin.recipients[code] = payload
            return self.reply(
                201,
                {
                    "status": True,
                    "message": "Transfer recipient created successfully",
                    "data": {
                        "active": True,
                        "currency": "NGN",
                        "domain": "test",
                        "name": payload.get("name"),
                        "recipient_code": code,
                        "type": "nuban",
                        "details": {
                            "account_number": payload.get("account_number"),
                            "account_name": payload.get("name"),
                            "bank_code": payload.get("bank_code"),
                        },
                    },
                },
            )
        if path == "/transfer":
            reference = str(payload.get("reference") or "")
            with standin.lock:
                standin.requests.append(("transfer", reference))
                if reference in standin.transfers:
                    return self.reply(
                        400, {"status": False, "message": "Duplicate Transfer Reference"}
                    )
                transfer = {
                    "reference": reference,
                    "amount": int(payload.get("amount") or 0),
                    "currency": "NGN",
                    "source": "balance",
                    "reason": payload.get("reason") or "",
                    "recipient": payload.get("recipient"),
                    "status": "pending",
                    "transfer_code": f"TRF_{len(standin.transfers) + 1:08d}",
                }
                standin.transfers[reference] = transfer
            return self.reply(
                200, {"status": True, "message": "Transfer has been queued", "data": transfer}
            )
        return self.reply(404, {"status": False, "message": "Not found"})

    def _replied(self, status: int, payload) -> bool:
        self.reply(status, payload)
        return True

    def _get_payouts(self, path: str, query: dict):
        standin: PaystackStandin = self.standin
        if path == "/bank":
            banks = [
                {"name": name, "code": code, "slug": code, "active": True, "type": "nuban"}
                for code, name in standin.banks.items()
            ]
            return self._replied(200, {"status": True, "message": "Banks retrieved", "data": banks})
        if path == "/bank/resolve":
            number = query.get("account_number", [""])[0]
            name = standin.account_names.get(number)
            if name is None or query.get("bank_code", [""])[0] not in standin.banks:
                return self._replied(
                    422, {"status": False, "message": "Could not resolve account name."}
                )
            return self._replied(
                200,
                {
                    "status": True,
                    "message": "Account number resolved",
                    "data": {"account_number": number, "account_name": name, "bank_id": 9},
                },
            )
        match = re.fullmatch(r"/transfer/verify/(.+)", path)
        if match:
            transfer = standin.transfers.get(match.group(1))
            if transfer is None:
                return self._replied(404, {"status": False, "message": "Transfer not found"})
            return self._replied(
                200, {"status": True, "message": "Transfer retrieved", "data": transfer}
            )
        return None

    def do_GET(self):
        standin: PaystackStandin = self.standin
        if not self._authorised():
            return self.reply(401, {"status": False, "message": "Invalid key"})
        parsed = urlsplit(self.path)
        if not parsed.path.startswith("/transaction/"):
            standin.probe.check(f"GET {parsed.path}")
            with standin.lock:
                standin.requests.append(("get", parsed.path))
            if self._get_payouts(parsed.path.rstrip("/"), parse_qs(parsed.query)) is None:
                self.reply(404, {"status": False, "message": "Not found"})
            return None
        match = re.fullmatch(r"/transaction/verify/(.+)", self.path)
        if not match:
            return self.reply(404, {"status": False, "message": "Not found"})
        standin.probe.check(f"GET {self.path}")
        standin.probe.row_lockable("verify", "orders_order", "reference", match.group(1))
        with standin.lock:
            standin.requests.append(("verify", match.group(1)))
            tx = standin.transactions.get(match.group(1))
        if tx is None:
            return self.reply(400, {"status": False, "message": "Transaction reference not found"})
        return self.reply(200, {"status": True, "message": "Verification successful", "data": tx})


class PaystackStandin(Standin):
    handler_class = PaystackHandler

    def __init__(self, secret_key: str = "sk_test_standin"):
        super().__init__()
        self.secret_key = secret_key
        self.probe = TransactionProbe()
        self.transactions: dict[str, dict] = {}
        self.initialized: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.refunds: list[tuple[str, int]] = []
        self.banks = {"058": "Guaranty Trust Bank", "044": "Access Bank"}
        self.account_names = {"0123456789": "ADAEZE NGOZI OKONKWO"}
        self.recipients: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}

    @property
    def findings(self) -> list[str]:
        return self.probe.findings

    def succeed(self, reference: str, amount: int | None = None) -> None:
        """The buyer paid on Paystack's page."""
        with self.lock:
            tx = self.transactions[reference]
            tx.update(status="success", paid_at="2026-12-04T12:00:00Z", channel="card")
            if amount is not None:
                tx["amount"] = amount

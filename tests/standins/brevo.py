"""Stand-in for Brevo's transactional email API (POST /v3/smtp/email), as anymail calls it.

Like Brevo it checks the `api-key` header and honours the `idempotencyKey` entry of the
message's `headers`: a repeated key is answered with the first messageId and not sent again.
`messages` holds what a recipient would receive; `requests` every call that arrived.
"""

import json
import uuid

from tests.standins.http import JsonHandler, Standin


class BrevoHandler(JsonHandler):
    def do_POST(self):
        standin: BrevoStandin = self.standin
        raw = self.body()
        if self.path.rstrip("/") != "/v3/smtp/email":
            return self.reply(404, {"code": "not_found", "message": "Invalid URL"})
        if self.headers.get("api-key") != standin.api_key:
            return self.reply(401, {"code": "unauthorized", "message": "Key not found"})
        if standin.probe:
            standin.probe.check("Brevo POST")
        try:
            payload = json.loads(raw)
        except ValueError:
            return self.reply(400, {"code": "bad_request", "message": "Invalid JSON"})
        with standin.lock:
            standin.requests.append(payload)
            if standin.fail_next:
                standin.fail_next -= 1
                return self.reply(500, {"code": "internal_error", "message": "try again"})
            if not payload.get("to") or not payload.get("sender"):
                return self.reply(400, {"code": "missing_parameter", "message": "to/sender"})
            headers = {k.lower(): v for k, v in (payload.get("headers") or {}).items()}
            key = headers.get("idempotencykey")
            if key and key in standin.by_key:
                return self.reply(201, {"messageId": standin.by_key[key]})
            message_id = f"<{uuid.uuid4().hex}@smtp-relay.mailin.fr>"
            if key:
                standin.by_key[key] = message_id
            standin.messages.append({"messageId": message_id, **payload})
        standin.wait_if_held()
        return self.reply(201, {"messageId": message_id})


class BrevoStandin(Standin):
    handler_class = BrevoHandler

    def __init__(self, api_key: str = "xkeysib-standin-key"):
        super().__init__()
        self.api_key = api_key
        self.requests: list[dict] = []
        self.messages: list[dict] = []
        self.by_key: dict[str, str] = {}
        self.fail_next = 0

    @property
    def api_url(self) -> str:
        return f"{self.url}/v3/"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if any(r["email"] == address for r in m.get("to", []))]

"""Stand-in for Twilio's Messages API (2010-04-01), enough for twilio-python's client.

POST   /2010-04-01/Accounts/<sid>/Messages.json  (basic auth sid:token, form fields To/From/Body)
GET    /2010-04-01/Accounts/<sid>/Messages.json?To=...  (a page of messages, newest first)
Twilio has no idempotency key for messages: `messages` holds every SMS a phone would receive.
"""

import base64
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qs, urlparse

from tests.standins.http import JsonHandler, Standin


class TwilioHandler(JsonHandler):
    def _auth_ok(self) -> bool:
        standin: TwilioStandin = self.standin
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user == standin.account_sid and password == standin.auth_token

    def _route(self):
        parsed = urlparse(self.path)
        parts = parsed.path.strip("/").split("/")
        ok = (
            len(parts) == 4
            and parts[0] == "2010-04-01"
            and parts[1] == "Accounts"
            and parts[3] == "Messages.json"
        )
        return (parts[2] if ok else None), parse_qs(parsed.query)

    def _refuse(self):
        self.reply(
            401,
            {"code": 20003, "message": "Authenticate", "more_info": "", "status": 401},
        )

    def do_POST(self):
        standin: TwilioStandin = self.standin
        sid, _ = self._route()
        form = {k: v[0] for k, v in parse_qs(self.body().decode()).items()}
        if sid is None:
            return self.reply(404, {"code": 20404, "message": "Not found", "status": 404})
        if not self._auth_ok() or sid != standin.account_sid:
            return self._refuse()
        if standin.probe:
            standin.probe.check("Twilio POST")
        with standin.lock:
            standin.requests.append(form)
            if standin.fail_next:
                standin.fail_next -= 1
                return self.reply(500, {"code": 20500, "message": "Internal", "status": 500})
            if not form.get("To") or not form.get("Body") or not form.get("From"):
                return self.reply(
                    400,
                    {"code": 21604, "message": "A 'To' phone number is required.", "status": 400},
                )
            message = standin.make_message(form)
            standin.messages.append(message)
        standin.wait_if_held()
        return self.reply(201, {**message, "status": "queued", "date_sent": None})

    def do_GET(self):
        standin: TwilioStandin = self.standin
        sid, query = self._route()
        if sid is None:
            return self.reply(404, {"code": 20404, "message": "Not found", "status": 404})
        if not self._auth_ok() or sid != standin.account_sid:
            return self._refuse()
        to = (query.get("To") or [None])[0]
        size = int((query.get("PageSize") or ["50"])[0])
        with standin.lock:
            found = [m for m in reversed(standin.messages) if to is None or m["to"] == to]
        uri = f"/2010-04-01/Accounts/{sid}/Messages.json"
        return self.reply(
            200,
            {
                "messages": found[:size],
                "first_page_uri": f"{uri}?PageSize={size}&Page=0",
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": max(len(found[:size]) - 1, 0),
                "uri": f"{uri}?PageSize={size}&Page=0",
            },
        )


class TwilioStandin(Standin):
    handler_class = TwilioHandler

    def __init__(self, account_sid="AC" + "0" * 31 + "1", auth_token="standin-token"):
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = "+15005550006"
        self.requests: list[dict] = []
        self.messages: list[dict] = []
        self.fail_next = 0

    def make_message(self, form: dict) -> dict:
        sid = "SM" + uuid.uuid4().hex
        now = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form["Body"],
            "date_created": now,
            "date_sent": now,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form["From"],
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "sent",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": form["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def to(self, number: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == number]

"""Signed QR payloads that a scanner can verify offline with the event's public key.

Format: ``GT1.<body>.<signature>`` where body is base64url(JSON {"t": ticket id,
"e": event id, "s": secret}) and signature is Ed25519 over ``GT1.<body>``, base64url.
The browser checks it with WebCrypto (Ed25519, raw public key).
"""

import base64
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.db import IntegrityError, transaction

from tickets.models import EventSigningKey

PREFIX = "GT1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_for_event(event_id: int) -> EventSigningKey:
    key = EventSigningKey.objects.filter(event_id=event_id).first()
    if key:
        return key
    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return EventSigningKey.objects.create(
                event_id=event_id,
                private_key=_b64(
                    private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
                ),
                public_key=_b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
            )
    except IntegrityError:  # another worker made it first; use theirs
        return EventSigningKey.objects.get(event_id=event_id)


def public_key_for_event(event_id: int) -> str:
    return key_for_event(event_id).public_key


def signer_for_event(event_id: int):
    """`sign(ticket_id, secret) -> payload` with the event's key read once (an order's tickets
    are signed together: one query, one key, however many tickets)."""
    private = Ed25519PrivateKey.from_private_bytes(_unb64(key_for_event(event_id).private_key))

    def sign_ticket(ticket_id: int, secret: str) -> str:
        body = _b64(
            json.dumps({"t": ticket_id, "e": event_id, "s": secret}, separators=(",", ":")).encode()
        )
        message = f"{PREFIX}.{body}".encode()
        return f"{PREFIX}.{body}.{_b64(private.sign(message))}"

    return sign_ticket


def sign(*, ticket_id: int, event_id: int, secret: str) -> str:
    return signer_for_event(event_id)(ticket_id, secret)


@dataclass(frozen=True)
class QrClaim:
    ticket_id: int
    event_id: int
    secret: str


def verify(payload: str) -> QrClaim | None:
    """The claim if the payload is well formed and signed by its event's key, else None."""
    try:
        prefix, body, signature = payload.strip().split(".")
        if prefix != PREFIX:
            return None
        data = json.loads(_unb64(body))
        claim = QrClaim(ticket_id=int(data["t"]), event_id=int(data["e"]), secret=str(data["s"]))
        key = EventSigningKey.objects.filter(event_id=claim.event_id).first()
        if key is None:
            return None
        Ed25519PublicKey.from_public_bytes(_unb64(key.public_key)).verify(
            _unb64(signature), f"{PREFIX}.{body}".encode()
        )
    except (ValueError, KeyError, TypeError, InvalidSignature):
        return None
    return claim

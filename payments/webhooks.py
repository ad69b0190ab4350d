"""Paystack webhook signature helpers (shared by the webhook view and the sandbox)."""

import hashlib
import hmac

from django.conf import settings


def sign(body: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.PAYSTACK_SECRET_KEY).encode()
    return hmac.new(key, body, hashlib.sha512).hexdigest()


def signature_ok(body: bytes, signature: str) -> bool:
    if not settings.PAYSTACK_SECRET_KEY:  # an empty key would let anyone sign (settings refuse it)
        return False
    return hmac.compare_digest(sign(body), (signature or "").strip().lower())

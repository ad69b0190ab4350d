"""Site-wide services: newsletter sign-up and support messages."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from getiickets.datetimes import format_when
from getiickets.models import NewsletterSubscriber, SupportMessage

log = logging.getLogger(__name__)


@transaction.atomic
def subscribe_to_newsletter(
    *, email: str, source: str = "home"
) -> tuple[NewsletterSubscriber, bool]:
    """Adds the address once. Returns (subscriber, created); a repeat sign-up changes nothing."""
    email = email.strip().lower()
    return NewsletterSubscriber.objects.get_or_create(email=email, defaults={"source": source[:40]})


def submit_support_message(
    *,
    name: str,
    email: str,
    topic: str,
    message: str,
    order_reference: str = "",
    user=None,
    ip_address: str | None = None,
) -> SupportMessage:
    """Stores the message, then emails staff. A mail failure is logged, never lost: the row stays
    and staff see it in the admin."""
    with transaction.atomic():
        support_message = SupportMessage.objects.create(
            name=name,
            email=email,
            topic=topic,
            order_reference=order_reference,
            message=message,
            user=user if user is not None and user.is_authenticated else None,
            ip_address=ip_address,
        )
    _email_staff(support_message)
    return support_message


def _email_staff(support_message: SupportMessage) -> None:
    m = support_message
    body = "\n".join(
        [
            f"From: {m.name} <{m.email}>",
            f"Topic: {m.get_topic_display()}",
            f"Order reference: {m.order_reference or '—'}",
            f"Signed-in account: {m.user.email if m.user else 'not signed in'}",
            f"Message #{m.pk}, received {format_when(m.created_at)} (Lagos time)",
            "",
            m.message,
        ]
    )
    email = EmailMessage(
        subject=f"[getiickets support] {m.get_topic_display()} — {m.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.SUPPORT_EMAIL],
        reply_to=[m.email],
    )
    try:
        email.send()
    except Exception:  # a mail outage must not lose the message or show the visitor an error
        log.exception("support email failed", extra={"support_message": m.pk})

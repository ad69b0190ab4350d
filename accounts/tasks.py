from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


def queue_account_email(message, fail_silently=False) -> int:
    """Queues a rendered EmailMessage (accounts.adapter) for send_account_email."""
    send_account_email.delay(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        headers=dict(message.extra_headers),
        subtype=message.content_subtype,
        alternatives=[list(a) for a in getattr(message, "alternatives", [])],
    )
    return 1


def email_after_commit(*, subject: str, body: str, to: str) -> None:
    """A plain account email (organizer requests, team invitations), queued once the
    transaction commits and retried by the task: a mail provider's hiccup delays it and
    never fails the request that asked for it."""
    transaction.on_commit(
        lambda: send_account_email.delay(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={},
            subtype="plain",
            alternatives=[],
        )
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_account_email(*, subject, body, from_email, to, headers, subtype, alternatives):
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    message.content_subtype = subtype
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()

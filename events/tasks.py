from celery import shared_task

from events import covers


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_cover_variants(event_id: int) -> bool:
    """Resized WebP and JPEG covers for an event (events/covers.py); safe to run again."""
    return covers.render_for_event(event_id)

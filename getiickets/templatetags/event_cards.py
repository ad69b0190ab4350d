"""What an event card shows about tickets: `{% card_pricing event as pricing %}`.

Reads `event.ticket_types.all()` (prefetch them: `prefetch_related("ticket_types")`), so a
list of cards costs no extra queries.
"""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class CardPricing:
    from_kobo: int | None  # lowest price among the visible ticket types
    sold_out: bool  # every visible ticket type has held + sold >= capacity
    free: bool  # the cheapest visible ticket costs nothing


def card_pricing(event) -> CardPricing:
    """From the inventory's availability read model: the cheapest visible ticket ("from"),
    or sold out when every visible type is gone."""
    from tickets.inventory.availability import summarize

    summary = summarize(event.ticket_types.all())
    lowest = summary.listed_from_kobo
    if lowest is None:
        return CardPricing(from_kobo=None, sold_out=False, free=False)
    return CardPricing(from_kobo=lowest, sold_out=summary.sold_out, free=lowest == 0)


register.simple_tag(card_pricing, name="card_pricing")


CARD_TEMPLATES = ["includes/event_card.html", "events/_card.html"]


@register.simple_tag
def event_card(event):
    """`{% event_card event %}`: the card's HTML, cached per event version (events.cache)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from events import cache

    return mark_safe(  # noqa: S308 - our own template's output
        cache.card_html(event, lambda: render_to_string(CARD_TEMPLATES, {"event": event}))
    )

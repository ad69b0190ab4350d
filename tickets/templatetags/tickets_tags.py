from django import template
from django.utils.html import format_html

from events.models import Event
from tickets import inventory
from tickets import selector as selector_module

register = template.Library()


@register.simple_tag(takes_context=True)
def ticket_selector_data(context, event):
    """The selector's data: what the view put in the context, or built from `event`."""
    provided = context.get("selector")
    if isinstance(provided, selector_module.Selector) and provided.event.pk == event.pk:
        return provided
    return selector_module.build(event, context.get("request"))


@register.filter
def mmss(seconds) -> str:
    seconds = max(int(seconds or 0), 0)
    return f"{seconds // 60:d}:{seconds % 60:02d}"


@register.simple_tag
def seats_taken_oob(event):
    """For the selector's status poll: the seats taken now, out of band (seatmap.js greys
    them on the open map, within the poll's few seconds)."""
    if event.seating != Event.Seating.RESERVED:
        return ""
    taken = ",".join(map(str, sorted(inventory.unavailable_seats(event))))
    return format_html(
        '<div id="seats-taken" hidden data-taken="{}" hx-swap-oob="true"></div>', taken
    )

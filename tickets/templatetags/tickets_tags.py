from django import template

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

from django import template

from tickets import fragments
from tickets import selector as selector_module

register = template.Library()


@register.simple_tag(takes_context=True)
def ticket_selector_data(context, event):
    """The selector's data: what the view put in the context, or built from `event`."""
    provided = context.get("selector")
    if isinstance(provided, selector_module.Selector) and provided.event.pk == event.pk:
        return provided
    return selector_module.build(event, context.get("request"))


@register.simple_tag(takes_context=True)
def ticket_selector(context, event):
    """The ticket selector: the shared copy when this page has nothing of its own to show
    (no error, no pending selection: tickets.fragments.shared_selector), else drawn here."""
    request = context.get("request")
    if request is not None and not isinstance(context.get("selector"), selector_module.Selector):
        html = fragments.shared_selector(event, request)
        if html is not None:
            return html
    template = context.template.engine.get_template("tickets/_selector.html")
    # As {% include %} renders a template within the page's context.
    with context.render_context.push_state(template, isolated_context=False), context.push():
        return template.render(context)


@register.filter
def mmss(seconds) -> str:
    seconds = max(int(seconds or 0), 0)
    return f"{seconds // 60:d}:{seconds % 60:02d}"


# Drawn in Python (tickets.fragments): the crowd's light answers use the same pieces.
register.simple_tag(fragments.availability_badge, name="availability_badge")
register.simple_tag(fragments.qty_select, name="qty_select")

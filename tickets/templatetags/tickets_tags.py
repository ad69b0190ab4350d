from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


# The badge and the quantity list are drawn in Python: the answers to the sold-out crowd
# are made of little else, and a template include per row costs more than the rest.
_OOB = mark_safe(' hx-swap-oob="true"')


@register.simple_tag
def availability_badge(row, oob=False):
    """A ticket type's live availability ("Only 3 left"); `oob` for htmx out-of-band."""
    return format_html(
        '<span id="avail-{}" class="badge {}"{}>{}</span>',
        row.pk,
        row.badge_class,
        _OOB if oob else "",
        row.badge_text,
    )


@register.simple_tag
def qty_select(row, oob=False):
    """The quantity list of a ticket type (disabled with just 0 when none can be bought)."""
    if not row.on_sale or row.sold_out:
        return format_html(
            '<select id="qty-{}" disabled aria-disabled="true" class="selector-qty"{}>'
            "<option>0</option></select>",
            row.pk,
            _OOB if oob else "",
        )
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((n, " selected" if n == row.chosen else "", n) for n in row.choices),
    )
    return format_html(
        '<select id="qty-{}" name="qty_{}" class="selector-qty"{}>{}</select>',
        row.pk,
        row.pk,
        _OOB if oob else "",
        options,
    )

"""Money in templates: kobo in, naira out ({{ order.total_kobo|naira }} → ₦12,500.00)."""

from django import template

register = template.Library()


def format_naira(kobo: int | None) -> str:
    if kobo is None:
        return ""
    sign = "-" if kobo < 0 else ""
    naira, rest = divmod(abs(int(kobo)), 100)
    return f"{sign}₦{naira:,}.{rest:02d}"


@register.filter
def naira(kobo):
    return format_naira(kobo)

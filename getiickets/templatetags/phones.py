"""{{ number|phone }}: a Nigerian number as Nigerians write it (0803 123 4567), any other
country's with its + prefix; something that is not a number is shown as it was typed."""

import phonenumbers
from django import template
from django.conf import settings

register = template.Library()


@register.filter
def phone(value) -> str:
    text = str(value or "")
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    home = phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)

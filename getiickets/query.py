"""Query strings are input too: each view reads its parameters through a small form.

`query_params(request, SomeQueryForm)` gives the cleaned values, or raises BadRequest with
the form's first message, which getiickets.views.bad_request shows as a 400 page."""

from django import forms
from django.core.exceptions import BadRequest

ID_MAX = 2**63 - 1  # a bigint primary key


def id_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        error_messages={
            "invalid": "must be a number",
            "min_value": "must be a positive number",
            "max_value": "is too large",
        },
        **kwargs,
    )


def query_params(request, form_class: type[forms.Form], data=None, **kwargs) -> dict:
    form = form_class(request.GET if data is None else data, **kwargs)
    if form.is_valid():
        return form.cleaned_data
    name, errors = next(iter(form.errors.items()))
    raise BadRequest(f"The link is not valid: “{name}” {errors[0]}.")

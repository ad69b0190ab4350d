from django import forms

MAX_SEATS_PER_REQUEST = 50


def is_id(text: str) -> bool:
    """Digits that fit a bigint primary key (no 10 KB strings reach int() or the database)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


class QuantitiesForm(forms.Form):
    """Quantities per ticket type, posted as qty_<ticket type id>=<n>."""

    def __init__(self, data=None, *, event=None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no labels: spares a translation lookup
        super().__init__(data, **kwargs)
        self.event = event

    def clean(self):
        quantities = {}
        for key, value in (self.data or {}).items():
            if not key.startswith("qty_"):
                continue
            if not is_id(key[4:]) or not is_id(value or "0") or len(value) > 4:
                raise forms.ValidationError("Choose a number of tickets.")
            pk, n = int(key[4:]), int(value or 0)
            if n > 1000:
                raise forms.ValidationError("Choose a number of tickets.")
            if n:
                quantities[pk] = n
        if not quantities:
            raise forms.ValidationError("Choose at least one ticket.")
        self.cleaned_data["quantities"] = quantities
        return self.cleaned_data


class SeatsForm(forms.Form):
    """Seat ids, posted as repeated seat=<id>."""

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # no labels: spares a translation lookup
        super().__init__(data, **kwargs)

    def clean(self):
        raw = self.data.getlist("seat") if hasattr(self.data, "getlist") else []
        if not all(is_id(s) for s in raw):
            raise forms.ValidationError("Choose seats on the map.")
        seats = sorted({int(s) for s in raw})
        if not seats:
            raise forms.ValidationError("Choose at least one seat on the map.")
        if len(seats) > MAX_SEATS_PER_REQUEST:
            raise forms.ValidationError("That is too many seats for one order.")
        self.cleaned_data["seat_ids"] = seats
        return self.cleaned_data


class WaitingRoomForm(forms.Form):
    """The organizer's waiting room switch and the admission rate their server sustains."""

    enabled = forms.BooleanField(required=False, label="Queue buyers before they choose")
    admissions_per_minute = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100_000,
        label="Buyers let in per minute at most",
        help_text=(
            "Leave empty for the site's default. Nobody is let in while every ticket is held."
        ),
    )

"""Organizer forms for events, ticket types and the seat map builder."""

import copy
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.forms.models import construct_instance

from events import services
from events.models import Category, Event, TicketType, Venue
from events.validators import (
    MAX_CAPACITY,
    MAX_PER_ORDER,
    MAX_PRICE_KOBO,
    validate_sane_datetime,
)
from getiickets import uploads
from getiickets.templatetags.money import format_naira

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-time picker; values are read and shown in Africa/Lagos."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def local_datetime_field(**kwargs):
    return forms.DateTimeField(
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        validators=[validate_sane_datetime],
        **kwargs,
    )


class ModelFieldValidationMixin:
    """Runs the model's field validation (column ranges, date bounds) on a copy of the
    instance. Not the constraints: the service checks those under its row lock, and a copy
    keeps the instance the view shows untouched when the form is refused."""

    def _post_clean(self):
        exclude = self._get_validation_exclusions()
        candidate = copy.copy(self.instance)
        try:
            construct_instance(self, candidate, self._meta.fields, self._meta.exclude)
            candidate.clean_fields(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)


def validate_cover_image(upload):
    """The upload re-encoded under a generated name (getiickets.uploads), or a message."""
    try:
        return uploads.reencode_image(upload)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages[0]) from exc


class EventForm(ModelFieldValidationMixin, forms.ModelForm):
    starts_at = local_datetime_field(label="Starts (Lagos time)")
    ends_at = local_datetime_field(label="Ends (Lagos time)")
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(),
        required=False,
        empty_label="— Add a new venue below —",
        help_text="Pick a venue you have used before, or fill in a new one.",
    )
    new_venue_name = forms.CharField(label="New venue name", max_length=150, required=False)
    new_venue_address = forms.CharField(label="Address", max_length=255, required=False)
    new_venue_city = forms.CharField(label="City", max_length=80, required=False)
    new_venue_state = forms.CharField(label="State", max_length=80, required=False)
    cover_image = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB. A wide picture (16:9) looks best.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "category",
            "starts_at",
            "ends_at",
            "venue",
            "seating",
            "fee_mode",
            "cover_image",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": "Plain text. Line breaks are kept; HTML is shown as typed.",
            "seating": "Reserved seating lets buyers pick seats on a seat map you build.",
        }

    def __init__(self, *args, organizer, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer = organizer
        self.fields["venue"].queryset = Venue.objects.filter(
            Q(organizer=organizer) | Q(organizer__isnull=True)
        )
        self.fields["category"].queryset = Category.objects.all()
        self.fields["cover_image"].widget.clear_checkbox_label = "Remove the current image"
        self.fields["description"].max_length = 10_000

    def clean_cover_image(self):
        upload = self.cleaned_data.get("cover_image")
        if upload is False:  # "clear" ticked
            return False
        if upload and hasattr(upload, "content_type"):
            return validate_cover_image(upload)
        return upload

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if not data.get("venue"):
            missing = [
                f
                for f in ("new_venue_name", "new_venue_address", "new_venue_city")
                if not (data.get(f) or "").strip()
            ]
            for field in missing:
                self.add_error(field, "Needed for a new venue (or pick one above).")
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments for events.services.create/update_event."""
        data = self.cleaned_data
        kwargs = {
            f: data[f]
            for f in (
                "title",
                "description",
                "category",
                "starts_at",
                "ends_at",
                "seating",
                "fee_mode",
            )
        }
        kwargs["venue"] = data.get("venue")
        if not data.get("venue"):
            kwargs["new_venue"] = {
                "name": data["new_venue_name"].strip(),
                "address": data["new_venue_address"].strip(),
                "city": data["new_venue_city"].strip().title(),
                "state": (data.get("new_venue_state") or data["new_venue_city"]).strip().title(),
            }
        image = data.get("cover_image")
        if image is False:
            kwargs["remove_cover_image"] = True
        elif getattr(image, "reencoded", False):  # a new upload, not the current file
            kwargs["cover_image"] = image
        return kwargs


class NairaField(forms.DecimalField):
    """Naira with kobo in the form; integer kobo out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", Decimal(MAX_PRICE_KOBO) / 100)
        highest = format_naira(int(kwargs["max_value"] * 100))
        kwargs.setdefault("error_messages", {}).setdefault("max_value", f"At most {highest}.")
        super().__init__(max_digits=12, decimal_places=2, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        return int((value * 100).to_integral_value())

    def validate(self, value):
        forms.Field.validate(self, value)

    def run_validators(self, value):
        # The validators (digits, decimal places, range) speak naira, not kobo.
        if value in self.empty_values:
            return
        super().run_validators(Decimal(value) / 100)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{Decimal(value) / 100:.2f}"
        return value


class TicketTypeForm(ModelFieldValidationMixin, forms.ModelForm):
    price_kobo = NairaField(label="Price (₦)", help_text="0 for a free ticket.")
    sales_start = local_datetime_field(required=False, label="Sales start (optional)")
    sales_end = local_datetime_field(required=False, label="Sales end (optional)")

    class Meta:
        model = TicketType
        fields = [
            "name",
            "description",
            "price_kobo",
            "capacity",
            "sales_start",
            "sales_end",
            "min_per_order",
            "max_per_order",
            "is_visible",
            "is_transferable",
        ]
        labels = {
            "is_visible": "Show on the event page",
            "is_transferable": "Buyers may transfer these tickets",
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        for name, cap in (
            ("capacity", MAX_CAPACITY),
            ("min_per_order", MAX_PER_ORDER),
            ("max_per_order", MAX_PER_ORDER),
        ):
            # The model's field already refuses negatives; the cap keeps it inside the column.
            field = self.fields[name]
            field.max_value = cap
            field.validators = [*field.validators, MaxValueValidator(cap, f"At most {cap:,}.")]
            field.widget.attrs.update({"min": "0", "max": str(cap)})
        if not self.instance.event_id:
            self.instance.event = event
        self.fields["price_kobo"].widget.attrs.update({"min": "0", "step": "0.01"})
        if event.is_reserved_seating:
            self.fields["capacity"].required = False
            self.fields["capacity"].disabled = True
            self.fields["capacity"].help_text = "Set by the seats assigned on the seat map."
        elif self.instance.pk and (self.instance.sold or self.instance.held):
            taken = self.instance.sold + self.instance.held
            self.fields["capacity"].help_text = f"At least {taken:,} (already sold or held)."

    def clean_price_kobo(self):
        price = self.cleaned_data.get("price_kobo")
        if price is not None and price < 0:
            raise forms.ValidationError("Price can't be negative.")
        return price

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if self.event.is_reserved_seating:
            return self.instance.capacity or 0
        if capacity is not None and capacity < 0:
            raise forms.ValidationError("Capacity can't be negative.")
        return capacity

    def clean(self):
        data = super().clean()
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", "Sales must end after they start.")
        lo, hi = data.get("min_per_order"), data.get("max_per_order")
        if lo is not None and lo < 1:
            self.add_error("min_per_order", "At least 1.")
        if lo and hi is not None and hi < lo:
            self.add_error("max_per_order", "Must be at least the minimum per order.")
        return data


class PriceBandField(forms.ModelChoiceField):
    """A ticket type of the event, shown by its name."""

    def label_from_instance(self, obj):
        return obj.name


class SeatSectionForm(forms.Form):
    prefix = "add"
    name = forms.CharField(max_length=60, initial="Section A")
    rows = forms.IntegerField(min_value=1, max_value=200, initial=5)
    seats_per_row = forms.IntegerField(min_value=1, max_value=200, initial=10)
    ticket_type = PriceBandField(queryset=TicketType.objects.none(), label="Price band")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()
        first = event.ticket_types.first()
        if first is not None:
            self.fields["ticket_type"].initial = first.pk
        self.fields["name"].initial = f"Section {services.row_label(event.sections.count())}"


class SeatSelectionForm(forms.Form):
    """Seats picked on the map (ids, filled in by seatmap-builder.js) and/or whole rows."""

    prefix = "sel"
    ACTIONS = [
        ("band", "Assign price band"),
        ("block", "Block seats"),
        ("unblock", "Unblock seats"),
        ("delete", "Delete seats"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    seat_ids = forms.CharField(required=False, widget=forms.HiddenInput)
    section = forms.ModelChoiceField(queryset=None, required=False, label="Section")
    rows = forms.CharField(
        required=False,
        label="Rows",
        help_text="Row labels separated by commas (e.g. A, B, C) — or click seats and rows.",
    )
    ticket_type = PriceBandField(
        queryset=TicketType.objects.none(), required=False, label="Price band"
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = event.sections.all()
        self.fields["ticket_type"].queryset = event.ticket_types.all()

    def clean_seat_ids(self):
        raw = self.cleaned_data.get("seat_ids") or ""
        ids = [p for p in raw.replace(" ", "").split(",") if p]
        if not all(p.isdigit() for p in ids):
            raise forms.ValidationError("Invalid seat selection.")
        return [int(p) for p in ids]

    def clean_rows(self):
        raw = self.cleaned_data.get("rows") or ""
        return [r.strip().upper() for r in raw.split(",") if r.strip()]

    def clean(self):
        data = super().clean()
        if not data.get("seat_ids") and not (data.get("section") and data.get("rows")):
            raise forms.ValidationError("Select seats on the map, or a section and its rows.")
        if data.get("action") == "band" and not data.get("ticket_type"):
            self.add_error("ticket_type", "Choose the price band to assign.")
        return data

    def selection(self) -> dict:
        data = self.cleaned_data
        section = data.get("section")
        return {
            "seat_ids": data.get("seat_ids") or [],
            "section_id": section.pk if section else None,
            "rows": data.get("rows") or [],
        }


class RenameSectionForm(forms.Form):
    prefix = "rs"
    section = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=60, label="New name")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = event.sections.all()


class RenameRowForm(forms.Form):
    prefix = "rr"
    section = forms.ModelChoiceField(queryset=None)
    old_label = forms.CharField(max_length=8, label="Row")
    new_label = forms.CharField(max_length=8, label="New label")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = event.sections.all()

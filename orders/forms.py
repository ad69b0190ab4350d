from django import forms
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from events.validators import validate_sane_datetime
from getiickets.query import id_field
from getiickets.templatetags.money import format_naira
from orders.models import PromoCode


class HoldQuery(forms.Form):
    """?hold=<id> on the checkout page."""

    hold = id_field(required=False)


class ReferenceQuery(forms.Form):
    """?reference= (or Paystack's ?trxref=) on the pages after payment."""

    reference = forms.CharField(max_length=40, required=False)
    trxref = forms.CharField(max_length=40, required=False)


class CheckoutForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(label="Email", help_text="Your tickets are sent here.")
    phone = PhoneNumberField(
        region="NG", label="Phone", help_text="For example 0803 123 4567 or +234 803 123 4567."
    )

    # The total the buyer saw when pressing Pay (orders/_price.html): a different total now
    # (a promo code used up meanwhile) is shown for them to confirm, never charged silently.
    expected_total_kobo = forms.IntegerField(
        required=False, min_value=0, max_value=10**13, widget=forms.HiddenInput
    )

    def __init__(self, *args, items=(), fixed_contact=False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_contact:
            # A guest's email and phone are who they are (accounts.guests): shown, not changed.
            for name in ("email", "phone"):
                self.fields[name].disabled = True
                self.fields[name].help_text = ""
            self.fields["phone"].widget = RegionalPhoneNumberWidget(region="NG")  # 0803 …
        self.attendee_fields = []
        for i, label in enumerate(items):
            name = f"attendee_{i}"
            self.fields[name] = forms.CharField(
                max_length=150, required=False, label=f"Attendee name — {label}"
            )
            self.attendee_fields.append(name)

    def attendee_names(self) -> list[str]:
        return [self.cleaned_data.get(name, "").strip() for name in self.attendee_fields]


class PromoForm(forms.Form):
    code = forms.CharField(max_length=40, required=False, label="Promo code")


class RefundForm(forms.Form):
    items = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Tickets to refund",
        help_text="Ticked tickets are cancelled and go back on sale. "
        "Tick none to refund money only.",
    )
    amount_naira = forms.DecimalField(
        min_value=0.01,
        decimal_places=2,
        max_digits=12,
        required=False,
        label="Amount to refund (₦)",
        help_text="Leave empty to refund what the ticked tickets were paid, or everything left.",
    )
    reason = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is not None:
            open_items = order.items.select_related("ticket_type").filter(refunded_at__isnull=True)
            self.fields["items"].choices = [
                (
                    str(item.pk),
                    " · ".join(
                        filter(
                            None,
                            [
                                item.ticket_type.name,
                                item.attendee_name,
                                f"paid {format_naira(item.paid_kobo)}",
                            ],
                        )
                    ),
                )
                for item in open_items
            ]

    def item_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("items") or []]

    def amount_kobo(self) -> int | None:
        amount = self.cleaned_data.get("amount_naira")
        return None if amount is None else int(amount * 100)


# PromoCode.value is an integer column of kobo; no ticket here costs anywhere near this.
MAX_FIXED_DISCOUNT_NAIRA = 10_000_000


class PromoCodeForm(forms.ModelForm):
    value_input = forms.DecimalField(
        min_value=0.01,
        max_value=10_000_000,  # ₦10 million: kobo must fit the value column
        decimal_places=2,
        max_digits=12,
        label="Discount",
        help_text="Percent (e.g. 10 for 10 %) or naira amount (e.g. 2000 for ₦2,000).",
    )

    class Meta:
        model = PromoCode
        fields = [
            "code",
            "kind",
            "max_uses",
            "max_uses_per_buyer",
            "valid_from",
            "valid_until",
            "is_active",
            "events",
            "ticket_types",
        ]
        widgets = {
            "valid_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "events": forms.CheckboxSelectMultiple,
            "ticket_types": forms.CheckboxSelectMultiple,
        }
        labels = {"kind": "Type of discount", "is_active": "Active (buyers can use it)"}
        help_texts = {
            "events": "Leave all unticked for every one of your events.",
            "ticket_types": "Leave all unticked for every ticket type.",
        }

    field_order = ["code", "kind", "value_input"]

    def __init__(self, *args, organizer, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.organizer = organizer
        from events.models import Event, TicketType

        self.fields["events"].queryset = Event.objects.filter(organizer=organizer)
        self.fields["ticket_types"].queryset = TicketType.objects.filter(
            event__organizer=organizer
        ).select_related("event")
        self.fields["ticket_types"].label_from_instance = lambda tt: f"{tt.event} — {tt.name}"
        for name in ("valid_from", "valid_until"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            self.fields[name].validators.append(validate_sane_datetime)
        if self.instance.pk:
            value = self.instance.value
            self.initial["value_input"] = value / 100  # basis points → %, kobo → ₦

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        clash = PromoCode.objects.filter(organizer=self.organizer, code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("You already have a code with that name.")
        return code

    def clean(self):
        data = super().clean()
        value = data.get("value_input")
        kind = data.get("kind")
        if value is not None and kind:
            if kind == PromoCode.Kind.PERCENT and value > 100:
                self.add_error("value_input", "A percentage cannot be more than 100.")
            elif kind == PromoCode.Kind.FIXED and value > MAX_FIXED_DISCOUNT_NAIRA:
                self.add_error(
                    "value_input",
                    f"A fixed discount can be at most ₦{MAX_FIXED_DISCOUNT_NAIRA:,}.",
                )
            data["value"] = int(value * 100)  # basis points for percent, kobo for fixed
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", "The end must be after the start.")
        return data

    def save(self, commit=True):
        self.instance.organizer = self.organizer
        self.instance.value = self.cleaned_data["value"]
        return super().save(commit=commit)

from django import forms
from phonenumber_field.formfields import PhoneNumberField

from getiickets.query import id_field


class WaitlistTarget(forms.Form):
    """Which waitlist: ?event=<slug>[&ticket_type=<id>] (posted back with the form too)."""

    event = forms.SlugField(max_length=220, error_messages={"required": "is missing"})
    ticket_type = id_field(required=False)
    # How many the buyer chose on the sold-out event page; the form starts with it.
    quantity = forms.IntegerField(min_value=1, max_value=100, required=False)


class WaitlistForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, initial=1)
    email = forms.EmailField(label="Email for the offer")
    phone = PhoneNumberField(label="Phone for an SMS", required=False, region="NG")

    def __init__(self, *args, max_quantity: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = forms.IntegerField(
            min_value=1,
            max_value=max_quantity,
            initial=1,
            help_text=f"How many tickets you want, up to {max_quantity}.",
        )

from datetime import timedelta

from django import forms
from django.utils import timezone


class BankAccountForm(forms.Form):
    bank_code = forms.ChoiceField(label="Bank")
    account_number = forms.RegexField(
        regex=r"^\d{10}$",
        max_length=10,
        label="Account number",
        help_text="Your 10-digit NUBAN account number.",
        error_messages={"invalid": "Enter the 10 digits of your account number."},
    )

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_code"].choices = [("", "Choose your bank")] + [
            (b.code, b.name) for b in banks
        ]


class StatementForm(forms.Form):
    start = forms.DateField(label="From")
    end = forms.DateField(label="To")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date must be on or after the start date.")
            if (end - start) > timedelta(days=731):
                raise forms.ValidationError("A statement covers at most two years.")
            if start.year < 2000 or end > timezone.localdate() + timedelta(days=366):
                raise forms.ValidationError("Choose dates between 2000 and next year.")
        return data

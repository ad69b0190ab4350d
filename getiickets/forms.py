import re

from django import forms

from getiickets.models import SupportMessage

EMAIL_ERROR = "Enter a valid email address, like ada@example.com."
EMAIL_TOO_LONG = "That email address is too long (at most 254 characters)."
ORDER_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$")


class NewsletterForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": EMAIL_ERROR,
            "max_length": EMAIL_TOO_LONG,
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": "you@example.com", "inputmode": "email"}
        ),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SupportForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={"required": "Tell us your name so we know who to reply to."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We reply to this address, usually within one working day.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": EMAIL_ERROR,
            "max_length": EMAIL_TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    topic = forms.ChoiceField(
        label="What is it about?",
        choices=[("", "Choose a topic")] + list(SupportMessage.Topic.choices),
        error_messages={
            "required": "Choose a topic so the right person picks it up.",
            "invalid_choice": "Choose one of the topics in the list.",
        },
    )
    order_reference = forms.CharField(
        label="Order reference (optional)",
        max_length=40,
        required=False,
        help_text="From your confirmation email, e.g. GT-7KQ2M9. Helps us find your order fast.",
        error_messages={"max_length": "Order references are at most 40 characters."},
    )
    message = forms.CharField(
        label="Message",
        min_length=10,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Write a message telling us what happened.",
            "min_length": "Tell us a little more (at least 10 characters).",
            "max_length": "Keep your message under 5,000 characters.",
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_order_reference(self):
        reference = self.cleaned_data["order_reference"].strip().upper()
        if reference and not ORDER_REFERENCE.match(reference):
            raise forms.ValidationError(
                "That doesn't look like an order reference: use the letters, numbers and "
                "dashes from your confirmation email."
            )
        return reference

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_message(self):
        return self.cleaned_data["message"].strip()

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.manage_email import email_already_exists
from django import forms
from django.contrib.auth.hashers import make_password
from django.db import transaction
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from accounts import guests, roles
from accounts.models import OrganizerRequest
from events.models import Organizer

PHONE_ERROR = (
    "Enter a valid phone number: a Nigerian number like 0803 123 4567, "
    "or an international number starting with + (e.g. +234 803 123 4567)."
)


def phone_field(label, required=True, help_text="We use it for ticket updates by SMS."):
    return PhoneNumberField(
        label=label,
        region="NG",
        required=required,
        help_text=help_text,
        error_messages={"invalid": PHONE_ERROR},
        widget=RegionalPhoneNumberWidget(
            region="NG", attrs={"autocomplete": "tel", "placeholder": "0803 123 4567"}
        ),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, doing the same work whether or not the email has an account.

    A new account costs a password hash and one email; so does a taken email (the hash is
    thrown away, the email says the account exists). Both emails are queued the same way
    (accounts.adapter), so the answer's timing does not tell who has an account."""

    def validate_unique_email(self, value):
        """A guest buyer's email is free to sign up with (accounts.guests)."""
        guest = guests.guests_with_email(value).filter(email__iexact=value).first()
        email, self.account_already_exists = email_already_exists(value, user=guest)
        return email

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)

    def save(self, request):
        with transaction.atomic():
            # The guest row gives up the email; its orders move only once it is verified.
            guests.step_aside(self.cleaned_data["email"])
            return super().save(request)


NIGERIAN_PHONE_ERROR = "Enter a Nigerian (+234) mobile number, for example 0803 123 4567."


class GuestForm(forms.Form):
    """Checking out without an account: who the tickets are for and where they go."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Your tickets and a link to your order are sent here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.com"}),
    )
    phone = phone_field("Phone number", help_text="A +234 number: we text you the link too.")

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Enter your full name.")
        return name

    def clean_email(self):
        return guests.normalise_email(self.cleaned_data["email"])

    def clean_phone(self):
        number = self.cleaned_data["phone"]
        if number.country_code != 234:
            raise forms.ValidationError(NIGERIAN_PHONE_ERROR)
        return number


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, without "remember me": the session lasts as long as the active role
    allows (8 hours as a buyer; 2 hours once an organizer picks the organizer role)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("remember", None)
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs.update({"placeholder": "you@example.com"})
        self.fields["password"].widget.attrs.update({"placeholder": ""})

    def login(self, request, redirect_url=None):
        self.cleaned_data["remember"] = True
        response = super().login(request, redirect_url=redirect_url)
        if request.user.is_authenticated:
            # allauth set its own expiry; the role decides how long the session lives.
            roles.set_active_role(request, roles.BUYER)
        return response


class BuyerProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As it should appear on your tickets.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = phone_field("Phone number")

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Enter your full name.")
        return name


class OrganizerRequestForm(forms.ModelForm):
    contact_phone = phone_field("Contact phone", help_text="Our team may call to confirm details.")
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = OrganizerRequest
        fields = [
            "organization_name",
            "contact_phone",
            "city",
            "description",
            "website",
            "instagram",
            "twitter",
        ]
        labels = {
            "organization_name": "Organization name",
            "description": "What events do you run?",
            "instagram": "Instagram handle (optional)",
            "twitter": "X / Twitter handle (optional)",
        }
        help_texts = {
            "description": "Tell us about your events, audience size and past shows.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "city": forms.TextInput(attrs={"placeholder": "Lagos", "list": "ng-cities"}),
            "instagram": forms.TextInput(attrs={"placeholder": "@yourbrand"}),
            "twitter": forms.TextInput(attrs={"placeholder": "@yourbrand"}),
        }

    def _handle(self, name):
        value = self.cleaned_data.get(name, "").strip()
        return value.lstrip("@")

    def clean_instagram(self):
        return self._handle("instagram")

    def clean_twitter(self):
        return self._handle("twitter")


class OrganizerProfileForm(forms.ModelForm):
    """The business details an organizer completes before publishing events. The bank account
    payouts go to is not here: it is added and verified on the Money page (payments)."""

    business_name = forms.CharField(label="Registered business name", max_length=150)
    business_address = forms.CharField(label="Business address", max_length=255)
    contact_phone = phone_field("Contact phone", help_text="")

    class Meta:
        model = Organizer
        fields = ["business_name", "business_address", "contact_phone", "city"]


ProfileForm = BuyerProfileForm

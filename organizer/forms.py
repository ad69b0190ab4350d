from django import forms

from accounts.models import TeamRole
from events.models import Event


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        choices=TeamRole.choices,
        widget=forms.RadioSelect,
        help_text="Owner: everything, payout details and the team. Manager: events, orders, "
        "refunds, promo codes. Door staff: check-in for the events you choose.",
    )
    events = forms.ModelMultipleChoiceField(
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Events (door staff)",
    )
    can_admit_by_hand = forms.BooleanField(
        required=False, label="Door staff may also search the guest list and admit by hand"
    )

    def __init__(self, *args, organizer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = Event.objects.filter(organizer=organizer).order_by(
            "-starts_at"
        )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What uses it, e.g. “Gate 2 scanner” or “Our website”."
    )
    scope = forms.ChoiceField(
        choices=[("read", "Read only"), ("write", "Read and write")],
        widget=forms.RadioSelect,
        initial="read",
    )
    events = forms.ModelMultipleChoiceField(
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only these events",
        help_text="Leave all unticked for every event you work on.",
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = membership.events(Event.objects.all()).order_by(
            "-starts_at"
        )

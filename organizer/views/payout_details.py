"""The organizer's business details: owners only (the payout bank account is on Money)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts import permissions as perms
from accounts import services
from accounts.forms import OrganizerProfileForm
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from payments import payouts


@organizer_permission(perms.PAYOUT_DETAILS)
def payout_details(request):
    organizer = request.organizer
    form = OrganizerProfileForm(request.POST or None, instance=organizer)
    if request.method == "POST":
        if form.is_valid():
            try:
                # The details belong to the organizer, whichever owner saves them.
                services.complete_organizer_profile(user=organizer.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Your business details are saved.")
                return redirect("organizer:payout_details")
        organizer.refresh_from_db()
    return render(
        request,
        "organizer/payout_details.html",
        {
            "form": form,
            "organizer": organizer,
            "payout_account": payouts.verified_account_label(organizer.pk),
        },
        status=400 if form.is_bound else 200,
    )

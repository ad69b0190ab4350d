from django.shortcuts import redirect, render

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from organizer import services


@organizer_permission(perms.CHECK_IN)
def dashboard(request):
    """The organizer's home; door staff, who only check in, land on check-in instead."""
    if not request.membership.can(perms.VIEW_DASHBOARD):
        return redirect("organizer:check_in_home")
    board = services.dashboard(
        organizer=request.organizer,
        pages={name: request.GET.get(f"{name}_page") for name in ("upcoming", "drafts", "past")},
    )
    return render(request, "organizer/ops/dashboard.html", {"board": board})

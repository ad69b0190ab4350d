"""The organizer's team: who is on it, invitations, and joining through an invitation."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts import roles, team
from accounts.models import Invitation, TeamMember, TeamRole
from accounts.permissions import organizer_permission
from organizer.forms import InviteForm
from organizer.models import Activity

ACTIVITY_SHOWN = 30


@organizer_permission(perms.MANAGE_TEAM)
def team_page(request):
    organizer = request.organizer
    form = InviteForm(request.POST or None, organizer=organizer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                team.invite(organizer=organizer, invited_by=request.user, **form.cleaned_data)
            except team.TeamError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect("organizer:team")
        status = 400
    members = TeamMember.objects.filter(organizer=organizer).select_related("user")
    return render(
        request,
        "organizer/team.html",
        {
            "form": form,
            "owner": organizer.user,
            "members": members.prefetch_related("events"),
            "invitations": Invitation.objects.filter(
                organizer=organizer, accepted_at__isnull=True, revoked_at__isnull=True
            ).prefetch_related("events"),
            "activity": Activity.objects.filter(organizer=organizer).select_related(
                "actor", "event"
            )[:ACTIVITY_SHOWN],
        },
        status=status,
    )


@require_POST
@organizer_permission(perms.MANAGE_TEAM)
def revoke_invitation(request, invitation_id):
    try:
        team.revoke(organizer=request.organizer, invitation_id=invitation_id)
    except team.NotYourTeam:
        raise Http404() from None
    except team.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Invitation withdrawn.")
    return redirect("organizer:team")


@require_POST
@organizer_permission(perms.MANAGE_TEAM)
def remove_member(request, member_id):
    try:
        team.remove_member(organizer=request.organizer, member_id=member_id)
    except team.NotYourTeam:
        raise Http404() from None
    messages.success(request, "Removed from your team.")
    return redirect("organizer:team")


def join(request, token):
    """The invitation link: signed in with the invited address, one click joins the team;
    signed out, it offers sign-up or sign-in and comes back here."""
    invitation = get_object_or_404(Invitation.objects.select_related("organizer"), token=token)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            member = team.accept(token=token, user=request.user)
        except team.TeamError as exc:
            messages.error(request, exc.message)
            status = 409
        else:
            roles.set_active_role(request, roles.ORGANIZER)
            messages.success(
                request, f"You joined {member.organizer.name} as {member.get_role_display()}."
            )
            if member.role == TeamRole.DOOR_STAFF:
                return redirect("organizer:check_in_home")
            return redirect("organizer:dashboard")
    return render(request, "organizer/team_join.html", {"invitation": invitation}, status=status)

"""An organizer's team: invite by email with a role, accept, change or remove members.

Only these functions change TeamMember and Invitation rows; what each role may do is decided
in accounts/permissions.py.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, TeamMember, TeamRole, User
from accounts.tasks import email_after_commit
from getiickets.errors import DomainError


class TeamError(DomainError):
    """That team change is not possible."""

    status_code = 409


class NotYourTeam(TeamError):
    """No such invitation or member on your team (another organizer's looks the same)."""

    status_code = 404


def _check_events(organizer, role, events) -> list:
    events = list(events or [])
    if any(event.organizer_id != organizer.pk for event in events):
        raise TeamError("Choose only your own events.")
    if role == TeamRole.DOOR_STAFF and not events:
        raise TeamError("Choose the events this door-staff member checks in.")
    return events if role == TeamRole.DOOR_STAFF else []


@transaction.atomic
def invite(
    *, organizer, email: str, role: str, events=(), can_admit_by_hand=False, invited_by
) -> Invitation:
    """Record an invitation and email its link (after commit)."""
    email = email.strip().lower()
    if role not in TeamRole.values:
        raise TeamError("Choose a role.")
    events = _check_events(organizer, role, events)
    if (
        organizer.user.email.lower() == email
        or TeamMember.objects.filter(organizer=organizer, user__email__iexact=email).exists()
    ):
        raise TeamError(f"{email} is already on your team.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organizer=organizer,
                email=email,
                role=role,
                can_admit_by_hand=can_admit_by_hand and role == TeamRole.DOOR_STAFF,
                invited_by=invited_by,
            )
    except IntegrityError:
        raise TeamError(f"{email} already has an open invitation.") from None
    invitation.events.set(events)
    _email_invitation(invitation)
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("organizer:team_join", args=[invitation.token])


def _email_invitation(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "site_name": settings.SITE_NAME,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
    }
    subject = f"Join {invitation.organizer.name} on {settings.SITE_NAME}"
    body = render_to_string("accounts/email/team_invitation_message.txt", context)
    email_after_commit(subject=subject, body=body, to=invitation.email)


@transaction.atomic
def accept(*, token: str, user: User) -> TeamMember:
    """The invited person, signed in with the invited email address, joins the team."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organizer")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise TeamError("This invitation is no longer valid. Ask for a new one.")
    if user.email.lower() != invitation.email.lower():
        raise TeamError(
            f"This invitation is for {invitation.email}. Sign in with that address to accept it."
        )
    if (
        getattr(user, "organizer", None) is not None
        or TeamMember.objects.filter(user=user).exists()
    ):
        raise TeamError("Your account already organizes events; use another address to join.")
    member = TeamMember.objects.create(
        organizer=invitation.organizer,
        user=user,
        role=invitation.role,
        can_admit_by_hand=invitation.can_admit_by_hand,
        invited_by=invitation.invited_by,
    )
    member.events.set(invitation.events.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


@transaction.atomic
def revoke(*, organizer, invitation_id: int) -> None:
    """Withdraw an open invitation of `organizer`'s: the only ownership check (one query)."""
    ours = Invitation.objects.filter(organizer=organizer, pk=invitation_id)
    if ours.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        return
    if ours.exists():  # only asked when it failed: say why
        raise TeamError("That invitation is not open.")
    raise NotYourTeam("That invitation is not one of yours.")


@transaction.atomic
def remove_member(*, organizer, member_id: int) -> None:
    """Take someone off `organizer`'s team: the only ownership check."""
    deleted, _ = TeamMember.objects.filter(organizer=organizer, pk=member_id).delete()
    if not deleted:
        raise NotYourTeam("That person is not on your team.")

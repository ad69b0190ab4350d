"""Account business rules: profiles, organizer access requests and their review."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import OrganizerRequest, User
from accounts.tasks import email_after_commit
from events.models import Organizer
from getiickets.errors import DomainError


class AlreadyOrganizer(DomainError):
    """Your account already has organizer access."""

    status_code = 409


class RequestAlreadyPending(DomainError):
    """You already have an organizer request in review. We'll email you the decision."""

    status_code = 409


class RequestAlreadyDecided(DomainError):
    """This organizer request has already been decided."""

    status_code = 409


class NotAnOrganizer(DomainError):
    """Only approved organizers can do this."""

    status_code = 403


@transaction.atomic
def complete_buyer_profile(*, user: User, full_name: str, phone) -> User:
    user.full_name = full_name
    user.phone = phone
    user.save(update_fields=["full_name", "phone"])
    return user


@transaction.atomic
def request_organizer_access(
    *,
    user: User,
    organization_name: str,
    contact_phone,
    city: str,
    description: str,
    website: str = "",
    instagram: str = "",
    twitter: str = "",
) -> OrganizerRequest:
    # Lock the user row so two simultaneous submissions cannot both pass the checks.
    User.objects.select_for_update().get(pk=user.pk)
    if user.is_organizer:
        raise AlreadyOrganizer()
    if user.organizer_requests.filter(status=OrganizerRequest.Status.PENDING).exists():
        raise RequestAlreadyPending()
    try:
        with transaction.atomic():
            return OrganizerRequest.objects.create(
                user=user,
                organization_name=organization_name,
                contact_phone=contact_phone,
                city=city,
                description=description,
                website=website,
                instagram=instagram,
                twitter=twitter,
            )
    except IntegrityError as exc:  # the one-pending-request constraint
        raise RequestAlreadyPending() from exc


def unique_organizer_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:150] or "organizer"
    taken = Organizer.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _email_requester(organizer_request: OrganizerRequest, template: str) -> None:
    context = {
        "request_obj": organizer_request,
        "user": organizer_request.user,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "login_url": settings.SITE_URL + reverse("account_login"),
        "onboarding_url": settings.SITE_URL + reverse("accounts:onboarding_organizer"),
        "signup_url": settings.SITE_URL + reverse("accounts:organizer_signup"),
        "support_email": settings.SUPPORT_EMAIL,
    }
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}_message.txt", context)
    email_after_commit(subject=subject, body=body, to=organizer_request.user.email)


def _lock_pending(organizer_request: OrganizerRequest) -> OrganizerRequest:
    locked = (
        OrganizerRequest.objects.select_for_update()
        .select_related("user")
        .get(pk=organizer_request.pk)
    )
    if locked.status != OrganizerRequest.Status.PENDING:
        raise RequestAlreadyDecided(
            f"The request from {locked.organization_name} was already "
            f"{locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def approve_organizer_request(
    *,
    organizer_request: OrganizerRequest,
    decided_by: User | None,
    note: str = "",
    notify: bool = True,
) -> Organizer:
    """Grant the organizer role: create (or reactivate) the Organizer profile and email."""
    req = _lock_pending(organizer_request)
    details = {
        "name": req.organization_name,
        "contact_phone": req.contact_phone,
        "city": req.city,
        "description": req.description,
        "website": req.website,
        "instagram": req.instagram,
        "twitter": req.twitter,
        "is_active": True,
    }
    organizer = Organizer.objects.select_for_update().filter(user=req.user).first()
    if organizer is None:
        organizer = Organizer.objects.create(
            user=req.user, slug=unique_organizer_slug(req.organization_name), **details
        )
    else:
        for field, value in details.items():
            setattr(organizer, field, value)
        organizer.slug = unique_organizer_slug(req.organization_name, exclude_pk=organizer.pk)
        organizer.save()
    req.status = OrganizerRequest.Status.APPROVED
    req.decided_by = decided_by
    req.decided_at = timezone.now()
    if note:
        req.decision_note = note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    req.user.organizer = organizer
    if notify:
        _email_requester(req, "organizer_approved")
    return organizer


@transaction.atomic
def reject_organizer_request(
    *, organizer_request: OrganizerRequest, decided_by: User | None, note: str = ""
) -> OrganizerRequest:
    req = _lock_pending(organizer_request)
    req.status = OrganizerRequest.Status.REJECTED
    req.decided_by = decided_by
    req.decided_at = timezone.now()
    if note:
        req.decision_note = note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _email_requester(req, "organizer_rejected")
    return req


@transaction.atomic
def complete_organizer_profile(*, user: User, **details) -> Organizer:
    """An organizer's business details (name, address, contact phone, city)."""
    organizer = Organizer.objects.select_for_update().filter(user=user, is_active=True).first()
    if organizer is None:
        raise NotAnOrganizer()
    allowed = {
        "business_name",
        "business_address",
        "contact_phone",
        "city",
    }
    unknown = set(details) - allowed
    if unknown:
        raise ValueError(f"Unknown organizer fields: {sorted(unknown)}")
    for field, value in details.items():
        setattr(organizer, field, value)
    organizer.save()
    return organizer

from urllib.parse import urlencode

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from accounts import guests, landing, permissions, roles, services
from accounts.decorators import organizer_required
from accounts.forms import (
    BuyerProfileForm,
    GuestForm,
    LoginForm,
    OrganizerProfileForm,
    OrganizerRequestForm,
    ProfileForm,
)
from accounts.models import OrganizerRequest
from getiickets.errors import DomainError

ORGANIZER_HOME = "/organizer/dashboard"
NIGERIAN_CITIES = [
    "Lagos",
    "Abuja",
    "Port Harcourt",
    "Ibadan",
    "Kano",
    "Benin City",
    "Enugu",
    "Calabar",
    "Uyo",
    "Abeokuta",
    "Owerri",
    "Jos",
    "Kaduna",
    "Ilorin",
    "Warri",
]


def safe_next(request, default="/"):
    """The `next` parameter when it points at this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path on this site only: redirect() would read anything else as a view name.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


# --- allauth, mapped onto the PRD's URLs ------------------------------------------------


class LoginView(allauth_views.LoginView):
    form_class = LoginForm

    def get_form_class(self):
        return LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Mid-purchase, checking out as a guest is one tap away (accounts.guests).
        if guests.is_offered(self.request):
            context["guest_url"] = _with_next(reverse("accounts:guest"), self.request)
        return context


login = LoginView.as_view()


def reset_password(request):
    """/auth/reset-password without a key: ask for the email first."""
    return redirect("account_reset_password")


GUEST_TOO_MANY = "Too many checkouts started from here. Please wait a while and try again."


def _with_next(url: str, request) -> str:
    target = safe_next(request, default="")
    return f"{url}?{urlencode({'next': target})}" if target else url


@require_http_methods(["GET", "POST"])
def guest(request):
    """ "Continue as guest": name, email and a +234 number instead of an account. The
    session then checks out for that guest (accounts.guests); its selection is held on the
    way (tickets.resume) and the buyer lands at checkout."""
    form = GuestForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        if is_ratelimited(
            request,
            group="accounts.guest",
            key="ip",
            rate=settings.GUEST_RATE_LIMIT_PER_IP,
            increment=True,
        ):
            status, error = 429, GUEST_TOO_MANY
        elif form.is_valid():
            phone = form.cleaned_data["phone"].as_e164
            try:
                guest_user = guests.guest_for(
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    phone=phone,
                )
            except guests.HasAccount as exc:
                status, error = exc.status_code, exc.message
            else:
                guests.start_session(request, guest=guest_user, phone=phone)
                return redirect(landing.pop_landing(request) or safe_next(request))
    return render(
        request,
        "accounts/guest.html",
        {
            "form": form,
            "error": error,
            "has_account": status == 409,
            "next": safe_next(request, default=""),
            "login_url": _with_next(reverse("account_login"), request),
        },
        status=status,
    )


# --- After sign-in: roles -----------------------------------------------------------------


@login_required
def after_login(request):
    target = landing.pop_landing(request) or safe_next(request)
    if roles.has_both_roles(request.user):
        return redirect(f"{reverse('accounts:select_role')}?{urlencode({'next': target})}")
    roles.set_active_role(request, roles.BUYER)
    return redirect(target)


def _organizer_of(user):
    membership = permissions.membership_for(user)
    return membership.organizer if membership else None


def _organizer_landing(request, *, only_organizer_pages=False):
    # Team members (accounts.TeamMember) have no organizer of their own to complete.
    organizer = getattr(request.user, "organizer", None)
    if organizer is not None and not organizer.profile_complete:
        messages.info(request, "Finish your business and payout details before you publish events.")
        return redirect("accounts:onboarding_organizer")
    target = safe_next(request, default=ORGANIZER_HOME)
    if only_organizer_pages and not target.startswith(("/organizer/", "/onboarding/organizer")):
        # After sign-in `next` is usually a buyer page; organizers start at their dashboard.
        target = ORGANIZER_HOME
    return redirect(target)


def _buyer_landing(request):
    target = safe_next(request)
    # Organizer pages would only answer 403 to a buyer.
    if target.startswith("/organizer/") or target.startswith("/onboarding/organizer"):
        target = "/"
    return redirect(target)


def _apply_role(request, role):
    if role not in roles.ROLES:
        messages.error(request, "Choose buying or organizing.")
        return None
    if role == roles.ORGANIZER and not request.user.is_organizer:
        messages.error(request, "Your account doesn't have organizer access yet.")
        return None
    roles.set_active_role(request, role)
    return role


@login_required
def select_role(request):
    if not roles.has_both_roles(request.user):
        roles.set_active_role(request, roles.BUYER)
        return redirect(safe_next(request))
    if request.method == "POST":
        role = _apply_role(request, request.POST.get("role"))
        if role == roles.ORGANIZER:
            return _organizer_landing(request, only_organizer_pages=True)
        if role == roles.BUYER:
            return _buyer_landing(request)
    return render(
        request,
        "accounts/select_role.html",
        {"next": safe_next(request, default=""), "organizer": _organizer_of(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def switch_role(request):
    role = _apply_role(request, request.POST.get("role"))
    if role is None:
        return redirect(safe_next(request))
    if role == roles.ORGANIZER:
        messages.success(request, "You're now organizing. Organizer sessions last 2 hours.")
        return _organizer_landing(request)
    messages.success(request, "You're now buying tickets.")
    return _buyer_landing(request)


# --- Onboarding ---------------------------------------------------------------------------


@login_required
def onboarding_buyer(request):
    user = request.user
    if request.method == "POST":
        form = BuyerProfileForm(request.POST)
        if form.is_valid():
            services.complete_buyer_profile(user=user, **form.cleaned_data)
            messages.success(request, "Thanks — your profile is complete.")
            return redirect(safe_next(request))
    else:
        form = BuyerProfileForm(initial={"full_name": user.full_name, "phone": user.phone})
    return render(
        request,
        "accounts/onboarding_buyer.html",
        {"form": form, "next": safe_next(request, default="")},
        status=400 if form.is_bound else 200,
    )


@organizer_required
def onboarding_organizer(request):
    from payments import payouts  # where the money goes is payments' to say

    organizer = getattr(request.user, "organizer", None)
    if organizer is None:  # a team member: payout details are the owners' page
        return redirect("organizer:payout_details")
    if request.method == "POST":
        form = OrganizerProfileForm(request.POST, instance=organizer)
        if form.is_valid():
            try:
                services.complete_organizer_profile(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, str(exc))
                return redirect("accounts:onboarding_organizer")
            messages.success(request, "Your business details are saved.")
            return redirect(safe_next(request, default=ORGANIZER_HOME))
        organizer.refresh_from_db()
    else:
        form = OrganizerProfileForm(instance=organizer)
    return render(
        request,
        "accounts/onboarding_organizer.html",
        {
            "form": form,
            "organizer": organizer,
            "payout_account": payouts.verified_account_label(organizer.pk),
            "next": safe_next(request, default=""),
        },
        status=400 if form.is_bound else 200,
    )


# --- Organizer access ---------------------------------------------------------------------


@login_required
def organizer_signup(request):
    user = request.user
    pending = user.organizer_requests.filter(status=OrganizerRequest.Status.PENDING).first()
    latest = user.organizer_requests.first()
    context = {"pending": pending, "latest": latest, "cities": NIGERIAN_CITIES}
    if user.is_organizer:
        return render(request, "accounts/organizer_signup.html", context)
    status = 200
    if request.method == "POST" and not pending:
        form = OrganizerRequestForm(request.POST)
        if form.is_valid():
            try:
                services.request_organizer_access(user=user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, str(exc))
                return redirect("accounts:organizer_signup")
            messages.success(
                request, "Request sent. We'll email you as soon as our team has reviewed it."
            )
            return redirect("accounts:organizer_signup")
        status = 400
    elif request.method == "POST":
        messages.error(request, str(services.RequestAlreadyPending()))
        status = 409
        form = None
    else:
        form = None if pending else OrganizerRequestForm(initial={"contact_phone": user.phone})
    context["form"] = form
    return render(request, "accounts/organizer_signup.html", context, status=status)


# --- Profile ------------------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.complete_buyer_profile(user=user, **form.cleaned_data)
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"full_name": user.full_name, "phone": user.phone})
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "emails": user.emailaddress_set.order_by("-primary", "email"),
            "latest_request": user.organizer_requests.first(),
        },
        status=400 if form.is_bound else 200,
    )

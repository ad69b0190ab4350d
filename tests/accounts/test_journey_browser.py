"""The whole account journey on a phone: register, verify, sign in, complete the buyer
profile, request organizer access, get approved by staff in the admin, come back as an
organizer and switch back to buying."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import OrganizerRequest, User
from tests.conftest import DESKTOP, PHONE
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "tolu@example.ng"
SECRET = "Ofada-Stew-Lagos-2026"


def fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def sign_in(page, base, email, password):
    page.goto(base + "/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_account_journey_on_a_phone(live_server, page_factory, screenshot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    base = live_server.url
    page = page_factory(PHONE)
    shot = 0

    def snap(name):
        nonlocal shot
        shot += 1
        fits_phone(page)
        screenshot(page, f"accounts-{shot:02d}-{name}")

    # Register, with the strength meter and show/hide toggle.
    page.goto(base + "/auth/register")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("password")
    assert "Very weak" in page.locator(".password-strength-label").inner_text()
    page.get_by_label("Password", exact=True).fill(SECRET)
    assert "strong" in page.locator(".password-strength-label").inner_text().lower()
    page.get_by_label("Password (again)").fill(SECRET)
    page.get_by_role("button", name="Show password").first.click()
    assert page.get_by_label("Password", exact=True).get_attribute("type") == "text"
    snap("register")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base + "/auth/verify-email")
    expect(page.get_by_role("heading", name="Verify your email")).to_be_visible()
    snap("verify-email-sent")

    # Open the link from the email.
    link = re.search(r"http://\S+/auth/verify-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_text(EMAIL)).to_be_visible()
    snap("confirm-email")
    page.get_by_role("button", name="Confirm my email").click()
    page.wait_for_url(re.compile(r".*/auth/login.*"))
    snap("sign-in-after-verify")

    # Sign in, complete the buyer profile.
    sign_in(page, base, EMAIL, SECRET)
    page.wait_for_url(base + "/")
    snap("signed-in-home")
    page.goto(base + "/onboarding/buyer?next=/organizer/signup")
    page.get_by_label("Full name").fill("Tolu Bakare")
    page.get_by_label("Phone number").fill("not-a-number")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Enter a valid phone number")).to_be_visible()
    snap("buyer-profile-error")
    page.get_by_label("Phone number").fill("0803 555 1234")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(base + "/organizer/signup")
    user = User.objects.get(email=EMAIL)
    assert user.full_name == "Tolu Bakare" and str(user.phone) == "+2348035551234"

    # Request organizer access.
    snap("organizer-signup")
    page.get_by_label("Organization name").fill("Tolu Live")
    page.get_by_label("City").fill("Ibadan")
    page.get_by_label("What events do you run?").fill("Campus concerts and comedy in Ibadan.")
    page.get_by_label("Instagram handle").fill("@tolulive")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("is being reviewed")).to_be_visible()
    snap("organizer-request-pending")
    request_obj = OrganizerRequest.objects.get(user=user)
    assert str(request_obj.contact_phone) == "+2348035551234"

    # Staff approve it in the admin, in another browser.
    staff = UserFactory(email="staff@getiickets.ng", is_staff=True, is_superuser=True)
    admin = page_factory(DESKTOP)
    sign_in(admin, base, staff.email, PASSWORD)
    admin.wait_for_url(base + "/")
    admin.goto(base + "/admin/accounts/organizerrequest/")
    admin.locator(f'input.action-select[value="{request_obj.pk}"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.get_by_text("Approved 1 request")).to_be_visible()
    screenshot(admin, "accounts-admin-approved")
    request_obj.refresh_from_db()
    assert request_obj.status == "approved"
    assert mail.outbox[-1].to == [EMAIL] and "approved" in mail.outbox[-1].subject

    # Sign in again: choose the organizer role.
    page.goto(base + "/")
    if page.locator(".site-menu-toggle").is_visible():  # phones: sign-out sits in the menu
        page.locator(".site-menu-toggle").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, EMAIL, SECRET)
    page.wait_for_url(re.compile(r".*/auth/select-role.*"))
    snap("select-role")
    page.get_by_role("button", name="Continue as organizer").click()
    page.wait_for_url(base + "/onboarding/organizer")
    expect(page.locator(".role-switcher").get_by_text("Organizing")).to_be_visible()
    snap("organizer-onboarding")

    # Business details, with the address missing first; no bank fields (those are on Money).
    page.goto(base + "/onboarding/organizer?next=/profile")
    expect(page.get_by_text("add and verify a bank account on the Money page")).to_be_visible()
    expect(page.get_by_label("Account number (NUBAN)")).to_have_count(0)
    page.get_by_label("Registered business name").fill("Tolu Live Ventures")
    page.get_by_label("Contact phone").fill("08035551234")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    snap("organizer-onboarding-error")
    page.get_by_label("Business address").fill("5 Ring Road, Ibadan")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(base + "/profile")
    user.refresh_from_db()
    assert user.organizer.profile_complete
    snap("profile-as-organizer")

    # Switch back to buying from the header.
    page.get_by_role("button", name="Switch to buying").click()
    page.wait_for_url(base + "/profile")
    expect(page.locator(".role-switcher").get_by_text("Buying")).to_be_visible()
    expect(page.get_by_role("button", name="Switch to organizing")).to_be_visible()
    snap("profile-as-buyer")

    # An organizer page as a buyer is a clear 403.
    response = page.goto(base + "/onboarding/organizer")
    assert response.status == 403
    snap("organizer-page-as-buyer")


def test_auth_pages_render_on_a_phone(live_server, page_factory, screenshot):
    page = page_factory(PHONE)
    for path, name in [
        ("/auth/login", "login"),
        ("/auth/forgot-password", "forgot-password"),
        ("/auth/reset-password/1-bad-key", "reset-link-bad"),
        ("/auth/verify-email/nope", "verify-link-bad"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status < 500
        fits_phone(page)
        screenshot(page, f"accounts-page-{name}")


def test_account_management_pages_render_on_a_phone(live_server, page_factory, screenshot):
    user = UserFactory(email="kemi@example.ng")
    page = page_factory(PHONE)
    sign_in(page, live_server.url, user.email, PASSWORD)
    page.wait_for_url(live_server.url + "/")
    for path, name in [
        ("/auth/email", "change-email"),
        ("/auth/password/change", "change-password"),
        ("/profile", "profile"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200
        fits_phone(page)
        screenshot(page, f"accounts-page-{name}")

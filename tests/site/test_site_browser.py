import pytest

from getiickets.models import NewsletterSubscriber
from tests.conftest import DESKTOP, PHONE
from tests.factories import CategoryFactory, EventFactory, TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def featured():
    for name in ["Concerts", "Comedy", "Tech", "Festivals"]:
        CategoryFactory(name=name)
    on_sale = EventFactory(title="Burna Boy: Love, Damini Live", is_featured=True)
    TicketTypeFactory(event=on_sale, price_kobo=2_500_000)
    gone = EventFactory(title="Basketmouth Uncensored Lagos", is_featured=True)
    TicketTypeFactory(event=gone, price_kobo=1_500_000, capacity=20, sold=20)
    return on_sale, gone


def screenshot_dir():
    from tests.conftest import SCREENSHOT_DIR

    return SCREENSHOT_DIR


def no_sideways_scroll(page, viewport):
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_visitor_browses_home_and_joins_the_newsletter(
    live_server, page_factory, screenshot, featured, viewport, name
):
    page = page_factory(viewport)
    assert page.goto(live_server.url + "/").status == 200

    assert page.get_by_role("heading", level=1, name="Tickets for the best events").is_visible()
    assert page.get_by_role("searchbox", name="Search events").is_visible()
    for section in ["Featured events", "Browse by category", "How it works", "Never miss a show"]:
        assert page.get_by_role("heading", name=section).is_visible()
    assert page.get_by_text("Burna Boy: Love, Damini Live").is_visible()
    assert page.get_by_text("from ₦25,000.00").is_visible()
    assert page.locator(".event-card-badge", has_text="Sold out").is_visible()
    footer = page.locator("footer")
    for link in ["FAQs", "Support", "Privacy", "Terms", "Refund policy"]:
        assert footer.get_by_role("link", name=link, exact=True).is_visible()
    assert no_sideways_scroll(page, viewport)

    # Header navigation: a menu button on phones, plain links on desktop.
    if viewport is PHONE:
        assert not page.get_by_role("link", name="Sign in").is_visible()
        page.locator(".site-menu-toggle").click()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").is_visible()
    )
    screenshot(page, f"site-home-{name}")
    if viewport is PHONE:
        page.locator(".site-menu-toggle").click()

    # A bad address is refused in place, then a good one is confirmed (htmx swap).
    email = page.get_by_label("Email address")
    email.fill("ada@")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_text("Enter a valid email address").wait_for()
    page.get_by_label("Email address").fill(f"ada.{name}@example.ng")
    page.get_by_role("button", name="Subscribe").click()
    confirmation = page.get_by_text(f"ada.{name}@example.ng is on the list")
    confirmation.wait_for()
    assert confirmation.is_visible()
    assert NewsletterSubscriber.objects.filter(email=f"ada.{name}@example.ng").exists()
    assert no_sideways_scroll(page, viewport)
    shot = screenshot_dir() / f"site-newsletter-{name}.png"
    page.locator("#newsletter").screenshot(path=str(shot))


def test_newsletter_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_label("Email address").fill("nojs@")
        page.get_by_role("button", name="Subscribe").click()
        assert page.get_by_text("Enter a valid email address").is_visible()
        page.get_by_label("Email address").fill("nojs@example.ng")
        page.get_by_role("button", name="Subscribe").click()
        assert page.get_by_text("nojs@example.ng is on the list").is_visible()
        # The header menu still opens without JavaScript.
        page.locator(".site-menu-toggle").click()
        assert page.get_by_role("link", name="Sign in").is_visible()
    finally:
        context.close()
    assert NewsletterSubscriber.objects.filter(email="nojs@example.ng").exists()


@pytest.mark.parametrize(
    "path,name,heading",
    [("/faqs", "faqs", "Frequently asked questions"), ("/support", "support", "Contact support")],
)
def test_content_pages_at_phone_width(live_server, page_factory, screenshot, path, name, heading):
    page = page_factory(PHONE)
    assert page.goto(live_server.url + path).status == 200
    assert page.get_by_role("heading", level=1, name=heading).is_visible()
    if name == "faqs":
        page.get_by_text("How do I pay for tickets?").click()
        assert page.get_by_text("one-time account number").is_visible()
    assert no_sideways_scroll(page, PHONE)
    screenshot(page, f"site-{name}-phone")


def test_support_form_shows_field_errors_at_phone_width(live_server, page_factory, screenshot):
    page = page_factory(PHONE)
    page.goto(live_server.url + "/support")
    page.get_by_label("Your name").fill("Chidi")
    page.get_by_label("Email address").fill("chidi@")
    page.get_by_role("button", name="Send message").click()

    assert page.get_by_text("Enter a valid email address").is_visible()
    assert page.get_by_text("Choose a topic so the right person picks it up.").is_visible()
    assert no_sideways_scroll(page, PHONE)
    screenshot(page, "site-support-errors-phone")

    page.get_by_label("Email address").fill("chidi@example.ng")
    page.get_by_label("What is it about?").select_option("tickets")
    page.get_by_label("Message", exact=True).fill(
        "My ticket email never arrived for Saturday's show."
    )
    page.get_by_role("button", name="Send message").click()
    assert page.get_by_text("your message has reached our support team").is_visible()


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_signed_in_buyer_sees_their_links_and_can_sign_out(
    live_server, browser, screenshot, settings, viewport, name
):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(email=f"chidi.{name}@example.ng"))
    context = browser.new_context(viewport=viewport)
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.goto(live_server.url + "/faqs")
        if viewport is PHONE:
            page.locator(".site-menu-toggle").click()
        nav = page.get_by_role("navigation", name="Main")
        assert nav.get_by_role("link", name="My tickets").is_visible()
        assert not nav.get_by_role("link", name="Sign in").is_visible()
        assert no_sideways_scroll(page, viewport)
        screenshot(page, f"site-header-signed-in-{name}")
        nav.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        if viewport is PHONE:
            page.locator(".site-menu-toggle").click()
        page.get_by_role("link", name="Sign in").wait_for()
    finally:
        context.close()

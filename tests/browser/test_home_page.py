import pytest

from tests.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport,name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_visitor_sees_the_home_page(live_server, page_factory, screenshot, viewport, name):
    page = page_factory(viewport)
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("link", name="Browse events").first.is_visible()
    # Nothing spills sideways on a 360-px phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    screenshot(page, f"home-{name}")

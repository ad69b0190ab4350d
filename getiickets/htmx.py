"""htmx requests are answered with a fragment or told to navigate, never with a whole page.

htmx follows a 3xx itself and swaps whatever page it lands on into the fragment's target
(a sign-in page inside the ticket box, with a second header and footer). So every redirect
answering an htmx request becomes `HX-Redirect` (the browser goes there as a whole page),
and a whole page rendered for one (a 403, a CSRF failure, a view that forgot its partial)
becomes a navigation to that page: the buyer sees it as a page, not nested in another.
Boosted and history-restore requests ask for whole pages and get them.
"""

from django.http import HttpResponse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def is_whole_page(response: HttpResponse) -> bool:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    head = response.content[:200].lstrip().lower()
    return head.startswith(b"<!doctype") or head.startswith(b"<html")


def wants_fragment(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


class HtmxNavigationMiddleware:
    """After django_htmx's HtmxMiddleware (it sets `request.htmx`), outside every middleware
    and view that may redirect (CommonMiddleware's slash redirects, login_required)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not wants_fragment(request) or "HX-Redirect" in response:
            return response
        if response.status_code in _REDIRECTS and response.has_header("Location"):
            replacement = HttpResponseClientRedirect(response["Location"])
        elif is_whole_page(response):
            # A GET can show that page on its own; a refused POST cannot be repeated as a
            # navigation, so the buyer's page reloads (its messages say what happened).
            replacement = (
                HttpResponseClientRedirect(request.get_full_path())
                if request.method == "GET"
                else HttpResponseClientRefresh()
            )
            # htmx obeys the header whatever the status, so a refusal stays a 4xx.
            replacement.status_code = response.status_code
        else:
            return response
        replacement.cookies = response.cookies  # session, messages, CSRF set on the way
        if response.has_header("Vary"):
            replacement["Vary"] = response["Vary"]
        return replacement

"""The refusal lane: the first tier of the hold views, in front of most of the middleware.

In an on-sale rush nine in ten hold requests ask for seats or tickets that this process saw
go less than a second ago (tickets.selector.refusal_from_memory). Such a refusal changes
nothing and needs no session, user, messages or role, so it is answered here, before the
session, authentication, messages, allauth and role middleware and the URL resolver run:
in the on-sale benchmark those cost more than the refusal itself.

What every answer still gets: the Host header check, Django's own CSRF check (a request
that fails it goes on to the full stack, which rejects it as usual), the security headers
of SecurityMiddleware (which runs before this one) and the X-Frame-Options and
Content-Security-Policy headers of the middleware this lane skips (`RESPONSE_MIDDLEWARE`).
Anything that is not such a refusal (plain form posts, buyers holding something, requests
memory cannot refuse, bad input) goes on to the full stack and the views unchanged.
"""

from __future__ import annotations

import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.urls.converters import SlugConverter

from tickets import views

# The skipped middleware whose response side a refusal needs (its headers), in the order
# the full stack would apply it (innermost first).
RESPONSE_MIDDLEWARE = (CSPMiddleware, XFrameOptionsMiddleware)

_SLUG = "slug-of-the-event"


def _hold_paths() -> re.Pattern:
    """The hold URLs of any event, from the URLconf: /events/<slug>/hold(-seats)."""
    hold = re.escape(reverse("tickets:hold", args=[_SLUG]))
    seats = re.escape(reverse("tickets:hold_seats", args=[_SLUG]))
    slug = re.escape(_SLUG)
    return re.compile(
        "^(?:(?P<hold>{})|(?P<seats>{}))$".format(
            hold.replace(slug, f"(?P<slug>{SlugConverter.regex})"),
            seats.replace(slug, f"(?P<seat_slug>{SlugConverter.regex})"),
        )
    )


class RefusalLaneMiddleware:
    """Answers the hold requests this process can already refuse, before the rest of the
    stack (module docstring). Belongs right after SecurityMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._csrf = CsrfViewMiddleware(get_response)
        self._responders = [m(get_response) for m in RESPONSE_MIDDLEWARE]
        self._paths: re.Pattern | None = None  # the URLconf is not loaded yet at start-up
        # (the settings they were made under, the headers RESPONSE_MIDDLEWARE adds)
        self._headers: tuple[object, list[tuple[str, str]]] | None = None

    def __call__(self, request):
        answer = self._refusal(request) if self._may_take(request) else None
        if answer is None:
            return self.get_response(request)
        for name, value in self._response_headers(request):
            answer[name] = value
        return self._csrf.process_response(request, answer)

    def _response_headers(self, request) -> list[tuple[str, str]]:
        """What RESPONSE_MIDDLEWARE adds to a refusal. A refusal asks nothing of them (no
        CSP nonce, no per-view policy or exemption), so it depends on the settings alone
        and is worked out once per process and settings (django-csp builds its header
        string anew for every response, which costs a refusal more than its own answer)."""
        current = settings._wrapped  # replaced when tests override settings
        if self._headers is None or self._headers[0] is not current:
            probe = HttpResponse()
            before = set(probe.headers)
            for responder in self._responders:
                probe = responder.process_response(request, probe)
            added = [(k, v) for k, v in probe.headers.items() if k not in before]
            self._headers = (current, added)
        return self._headers[1]

    @staticmethod
    def _may_take(request) -> bool:
        # Cheap tests first: every request of the site passes here.
        return (
            request.method == "POST"
            and views.may_answer_from_memory(request)
            # The CSRF check below reads the token from the cookie, not the session.
            and not settings.CSRF_USE_SESSIONS
        )

    def _refusal(self, request):
        if self._paths is None:
            self._paths = _hold_paths()
        match = self._paths.match(request.path)  # reverse() includes the script prefix too
        if match is None:
            return None
        # The Host header is checked as CommonMiddleware would (DisallowedHost: a 400).
        request.get_host()
        seats = match.group("seats") is not None
        view = views.hold_seats if seats else views.hold_or_choose
        # Django's CSRF check exactly as the full stack runs it (process_request only reads
        # the cookie); a request failing it is for the full stack to reject.
        self._csrf.process_request(request)
        if self._csrf.process_view(request, view, (), {}) is not None:
            return None
        try:
            return views.answer_from_memory(
                request, match.group("seat_slug" if seats else "slug"), seats=seats
            )
        except Http404:
            return None  # the full stack draws the not-found page

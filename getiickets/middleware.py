import time

from django.http import HttpResponsePermanentRedirect
from django.urls import is_valid_path


class RemoveTrailingSlashMiddleware:
    """The site's addresses have no trailing slash; `/events/` or `/auth/register/` typed or
    linked from elsewhere redirects to the address without it instead of a 404 (admin keeps
    its slashes: those resolve, so they are never touched)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        if response.status_code != 404 or not path.endswith("/") or path == "/":
            return response
        stripped = path.rstrip("/") or "/"
        if not is_valid_path(stripped, getattr(request, "urlconf", None)):
            return response
        target = request.path[: len(request.path) - (len(path) - len(stripped))]
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        redirect = HttpResponsePermanentRedirect(target)
        if request.method not in ("GET", "HEAD"):
            redirect.status_code = 308  # keeps the method and body
        return redirect


def arrival_time(get_response):
    """Stamps `request.arrived_at` (epoch seconds) before anything else runs: the waiting
    room queues buyers by when their request reached the site, not by when it got through
    the session and the other middleware (which varies from worker to worker)."""

    def middleware(request):
        request.arrived_at = time.time()
        return get_response(request)

    return middleware

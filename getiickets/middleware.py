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

"""Refuses requests that carry NUL or control characters, before any view sees them.

PostgreSQL refuses NUL in text (a DataError, so a 500 if it gets that far), and no field of
this site has a use for control characters: one check at the boundary closes the class for
every path part, query string and form field, and for NUL in JSON bodies. Tab, carriage
return and line feed stay allowed in form fields (a description has line breaks)."""

import re

from django.http import JsonResponse
from django.shortcuts import render

# C0 controls, DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_JSON_NUL = re.compile(rb"\\u0000|\x00", re.IGNORECASE)
MESSAGE = (
    "The address or form contained characters we can't accept (control characters). "
    "Please type it again."
)


def _has_control(querydict, pattern) -> bool:
    return any(
        pattern.search(key) or any(pattern.search(v) for v in values)
        for key, values in querydict.lists()
    )


def refusal_reason(request) -> str:
    """Where the request carries characters no view should see, or ''."""
    if _CONTROL.search(request.path_info):
        return "path"
    if _has_control(request.GET, _CONTROL):
        return "query"
    if request.content_type == "application/json":
        if request.method in ("POST", "PUT", "PATCH") and _JSON_NUL.search(request.body):
            return "json"
    elif request.method == "POST" and _has_control(request.POST, _CONTROL_IN_TEXT):
        return "form"
    return ""


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = refusal_reason(request)
        if reason:
            if request.path_info.startswith("/api/"):  # the API's errors are problem details
                return JsonResponse(
                    {"type": "about:blank", "title": MESSAGE, "status": 400, "detail": reason},
                    status=400,
                    content_type="application/problem+json",
                )
            if request.content_type == "application/json" or "application/json" in (
                request.META.get("HTTP_ACCEPT", "")
            ):
                return JsonResponse({"error": MESSAGE, "reason": reason}, status=400)
            return render(request, "400.html", {"message": MESSAGE, "reason": reason}, status=400)
        return self.get_response(request)

"""Plumbing shared by the JSON API under /api/v1: problem-details errors, pagination,
throttles and the catch-all 404. The endpoints themselves live in each app's `api.py`
(events, tickets, orders, organizer) and call that app's services, as the pages do."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from getiickets.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://getiickets.ng/problems/"


def problem(status_code: int, title: str, *, detail: str = "", code: str = "", errors=None):
    """An RFC 9457 problem details response."""
    body = {
        "type": f"{PROBLEM_BASE}{code}" if code else "about:blank",
        "title": title,
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_details_handler(exc, context):
    """DRF's errors and the services' domain errors (with their own status and message),
    as problem details."""
    if isinstance(exc, DomainError):
        return problem(
            exc.status_code,
            "The request was refused.",
            detail=str(exc),
            code=type(exc).__name__,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        result = problem(
            response.status_code,
            "The request is not valid.",
            detail="See `errors` for what to change.",
            code="invalid",
            errors=errors,
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        result = problem(
            response.status_code,
            str(detail) or response.status_text,
            code=getattr(detail, "code", "") or "",
        )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result


class PagePagination(PageNumberPagination):
    """Page numbers for public lists, as on /events (12 a page, at most 50)."""

    page_size = 12
    page_size_query_param = "page_size"
    max_page_size = 50


class NewestFirstCursor(CursorPagination):
    """Stable cursors for lists that grow while they are read (orders, attendees)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-pk")


class NotFoundView(APIView):
    """Any other path under /api/v1 answers a problem, not the site's HTML 404 page."""

    authentication_classes = ()
    permission_classes = ()
    schema = None

    def get(self, request, *args, **kwargs):
        return problem(status.HTTP_404_NOT_FOUND, "Not found.", code="not_found")

    post = put = patch = delete = get


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status"],
}
ERROR_STATUSES = {
    "400": "The request is not valid (see `errors`).",
    "401": "Sign in or send a token.",
    "403": "The token or account may not do this.",
    "404": "Not found, or not yours.",
    "405": "This method is not allowed here.",
    "409": "Refused by a business rule (sold out, already refunded...).",
    "429": "Too many requests; see Retry-After.",
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents its error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": description, "content": content})
    return result


class SignedInBuyer:
    """For a buyer's own data (/api/v1/me): the signed-in session only. An organizer's API
    token is narrowed to its team's work and must not open its member's tickets and orders."""

    authentication_classes = (SessionAuthentication,)

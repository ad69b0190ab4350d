"""Every change an organizer's team makes through the workspace is recorded with who made it.

A change is a POST to an organizer view (organizer_permission put `request.membership` on
the request) that succeeded, which in these pages means a redirect (errors answer 4xx and
re-render). Door scans and offline syncs are high-volume and keep their own record on each
CheckIn (checked_in_by, device), so they are not repeated here.
"""

from organizer.models import Activity

NOT_LOGGED = {"check_in_scan", "check_in_sync"}


class ActivityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        membership = getattr(request, "membership", None)
        match = getattr(request, "resolver_match", None)
        if (
            membership is not None
            and request.method == "POST"
            and 300 <= response.status_code < 400
            and match is not None
            and match.url_name not in NOT_LOGGED
        ):
            Activity.objects.create(
                organizer=membership.organizer,
                actor=request.user,
                action=match.url_name or "",
                event_id=match.kwargs.get("event_id"),  # the decorator checked it is theirs
                path=request.path[:255],
            )
        return response

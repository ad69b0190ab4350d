from accounts.roles import active_role


class ActiveRoleMiddleware:
    """Puts the session's active role on the request as `request.active_role`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.active_role = active_role(request)
        return self.get_response(request)

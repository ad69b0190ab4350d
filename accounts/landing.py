"""Where a user lands after signing in when something other than `next` decides it: a
buyer's tickets, held as they signed in, wait at checkout (tickets.resume sets it)."""

SESSION_KEY = "land_after_sign_in"


def land_after_sign_in(request, url: str) -> None:
    request.session[SESSION_KEY] = url


def pop_landing(request) -> str | None:
    return request.session.pop(SESSION_KEY, None)

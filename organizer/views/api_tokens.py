"""A team member's API tokens: create (the secret is shown once), see when each was last
used, revoke. A token acts as its member, so each member manages only their own."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from getiickets.errors import DomainError
from organizer import services
from organizer.forms import ApiTokenForm
from organizer.models import ApiToken

# The new secret waits in the (server-side) session for the one page that shows it, so
# reloading that page neither shows it again nor makes a second token.
NEW_SECRET_KEY = "organizer:new_api_token"


def _mine(request):
    return ApiToken.objects.filter(organizer=request.organizer, user=request.user)


@organizer_permission(perms.API_TOKENS)
def token_page(request):
    form = ApiTokenForm(request.POST or None, membership=request.membership)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _, secret = services.create_api_token(
                    membership=request.membership, user=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session[NEW_SECRET_KEY] = secret
                return redirect("organizer:api_tokens")
    secret = request.session.pop(NEW_SECRET_KEY, None)
    tokens = _mine(request).prefetch_related("events")
    return render(
        request,
        "organizer/api_tokens.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=status,
    )


@require_POST
@organizer_permission(perms.API_TOKENS)
def revoke(request, token_id):
    token = get_object_or_404(_mine(request), pk=token_id)
    services.revoke_api_token(token=token)
    messages.success(request, f"“{token.name}” was revoked; tools using it are refused from now.")
    return redirect("organizer:api_tokens")

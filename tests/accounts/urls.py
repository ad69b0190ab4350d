"""The site's URLs plus two tiny views for decorator tests."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from accounts.decorators import OrganizerRequiredMixin, buyer_profile_required, organizer_required
from getiickets.urls import urlpatterns as site_urlpatterns


@organizer_required
def organizer_only(request):
    return HttpResponse(f"Organizer page for {request.user.organizer.name}")


@buyer_profile_required
def checkout(request):
    return HttpResponse("Checkout for " + request.user.full_name)


class OrganizerOnlyView(OrganizerRequiredMixin, View):
    def get(self, request):
        return HttpResponse("Organizer view")


urlpatterns = [
    path("test/organizer-view", OrganizerOnlyView.as_view()),
    path("test/organizer-only", organizer_only),
    path("test/checkout", checkout),
    *site_urlpatterns,
]

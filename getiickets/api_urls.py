"""/api/v1: the OpenAPI document, its offline documentation page and every app's endpoints."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from events import api as events_api
from getiickets.api import NotFoundView
from orders import api as orders_api
from tickets import api as tickets_api

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("events", events_api.EventListView.as_view(), name="events"),
    path("events/<slug:slug>", events_api.EventDetailView.as_view(), name="event"),
    path("events/<slug:slug>/seats", tickets_api.SeatAvailabilityView.as_view(), name="seats"),
    path("me/tickets", tickets_api.MyTicketList.as_view(), name="my_tickets"),
    path("me/tickets/<int:pk>", tickets_api.MyTicketDetail.as_view(), name="my_ticket"),
    path("me/orders", orders_api.MyOrderList.as_view(), name="my_orders"),
    path("me/orders/<str:reference>", orders_api.MyOrderDetail.as_view(), name="my_order"),
    re_path(r"^", NotFoundView.as_view(), name="not_found"),
]

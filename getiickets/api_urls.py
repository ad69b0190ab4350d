"""/api/v1: the OpenAPI document, its offline documentation page and every app's endpoints."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from events import api as events_api
from getiickets.api import NotFoundView
from orders import api as orders_api
from organizer import api as organizer_api
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
    path("organizer/events", organizer_api.EventListCreate.as_view(), name="org_events"),
    path("organizer/events/<int:event_id>", organizer_api.EventDetail.as_view(), name="org_event"),
    path(
        "organizer/events/<int:event_id>/publish",
        organizer_api.EventPublish.as_view(),
        name="org_event_publish",
    ),
    path(
        "organizer/events/<int:event_id>/ticket-types",
        organizer_api.TicketTypeCreate.as_view(),
        name="org_ticket_types",
    ),
    path(
        "organizer/events/<int:event_id>/ticket-types/<int:ticket_type_id>",
        organizer_api.TicketTypeDetail.as_view(),
        name="org_ticket_type",
    ),
    path(
        "organizer/events/<int:event_id>/orders",
        organizer_api.OrderList.as_view(),
        name="org_orders",
    ),
    path(
        "organizer/events/<int:event_id>/attendees",
        organizer_api.AttendeeList.as_view(),
        name="org_attendees",
    ),
    path(
        "organizer/events/<int:event_id>/waitlist",
        organizer_api.WaitlistList.as_view(),
        name="org_waitlist",
    ),
    path(
        "organizer/events/<int:event_id>/check-in/guest-list",
        organizer_api.GuestList.as_view(),
        name="org_guest_list",
    ),
    path(
        "organizer/events/<int:event_id>/check-in/admissions",
        organizer_api.AdmissionSync.as_view(),
        name="org_admissions",
    ),
    path("organizer/orders/<str:reference>", organizer_api.OrderDetail.as_view(), name="org_order"),
    path(
        "organizer/orders/<str:reference>/refunds",
        organizer_api.RefundCreate.as_view(),
        name="org_refunds",
    ),
    path(
        "organizer/promo-codes", organizer_api.PromoCodeListCreate.as_view(), name="org_promo_codes"
    ),
    re_path(r"^", NotFoundView.as_view(), name="not_found"),
]

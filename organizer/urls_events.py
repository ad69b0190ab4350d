from django.urls import path

from organizer.views import events as views

urlpatterns = [
    path("events", views.event_list, name="events"),
    path("events/create", views.event_create, name="event_create"),
    path("events/<int:event_id>", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/publish", views.event_publish, name="event_publish"),
    path("events/<int:event_id>/unpublish", views.event_unpublish, name="event_unpublish"),
    path("events/<int:event_id>/cancel", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/tickets", views.event_tickets, name="event_tickets"),
    path("events/<int:event_id>/tickets/add", views.ticket_type_add, name="ticket_type_add"),
    path(
        "events/<int:event_id>/tickets/<int:ticket_type_id>",
        views.ticket_type_edit,
        name="ticket_type_edit",
    ),
    path(
        "events/<int:event_id>/tickets/<int:ticket_type_id>/delete",
        views.ticket_type_delete,
        name="ticket_type_delete",
    ),
    path("events/<int:event_id>/seats", views.seat_map, name="event_seats"),
    path("events/<int:event_id>/seats/sections", views.seat_section_add, name="seat_section_add"),
    path(
        "events/<int:event_id>/seats/sections/rename",
        views.seat_section_rename,
        name="seat_section_rename",
    ),
    path(
        "events/<int:event_id>/seats/sections/<int:section_id>/delete",
        views.seat_section_delete,
        name="seat_section_delete",
    ),
    path("events/<int:event_id>/seats/rows/rename", views.seat_row_rename, name="seat_row_rename"),
    path("events/<int:event_id>/seats/selection", views.seat_selection, name="seat_selection"),
]

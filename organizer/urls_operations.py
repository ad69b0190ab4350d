from django.urls import path

from organizer.views import analytics, checkin, dashboard, orders, waitlist

urlpatterns = [
    path("dashboard", dashboard.dashboard, name="dashboard"),
    path("events/<int:event_id>/analytics", analytics.analytics, name="analytics"),
    path(
        "events/<int:event_id>/analytics/<slug:chart>.csv",
        analytics.analytics_csv,
        name="analytics_csv",
    ),
    path("events/<int:event_id>/orders", orders.order_list, name="orders"),
    path("events/<int:event_id>/orders.csv", orders.export_orders, name="export_orders"),
    path("events/<int:event_id>/attendees.csv", orders.export_attendees, name="export_attendees"),
    path("events/<int:event_id>/orders/<str:reference>", orders.order_detail, name="order_detail"),
    path(
        "events/<int:event_id>/orders/<str:reference>/resend",
        orders.order_resend,
        name="order_resend",
    ),
    path("events/<int:event_id>/waitlist", waitlist.waitlist_page, name="waitlist"),
    path(
        "events/<int:event_id>/waitlist/<int:entry_id>/remove",
        waitlist.remove_entry,
        name="waitlist_remove",
    ),
    path(
        "events/<int:event_id>/waitlist/<int:entry_id>/offer",
        waitlist.send_offer,
        name="waitlist_offer",
    ),
    path("events/<int:event_id>/check-in", checkin.check_in_page, name="check_in"),
    path("events/<int:event_id>/check-in/scan", checkin.scan, name="check_in_scan"),
    path(
        "events/<int:event_id>/check-in/manifest.json", checkin.manifest, name="check_in_manifest"
    ),
    path("events/<int:event_id>/check-in/sync", checkin.sync, name="check_in_sync"),
]

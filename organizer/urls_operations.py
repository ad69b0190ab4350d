from django.urls import path

from organizer.views import (
    analytics,
    api_tokens,
    checkin,
    dashboard,
    orders,
    payout_details,
    team,
    waiting_room,
    waitlist,
)

urlpatterns = [
    path("dashboard", dashboard.dashboard, name="dashboard"),
    path("check-in", checkin.check_in_home, name="check_in_home"),
    path("check-in-sw.js", checkin.service_worker, name="check_in_service_worker"),
    path("payout-details", payout_details.payout_details, name="payout_details"),
    path("team", team.team_page, name="team"),
    path("api-tokens", api_tokens.token_page, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke", api_tokens.revoke, name="api_token_revoke"),
    path("team/invitations/<int:invitation_id>/revoke", team.revoke_invitation, name="team_revoke"),
    path("team/members/<int:member_id>/remove", team.remove_member, name="team_remove"),
    path("team/join/<str:token>", team.join, name="team_join"),
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
        "events/<int:event_id>/waiting-room",
        waiting_room.waiting_room_page,
        name="waiting_room",
    ),
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
    path("events/<int:event_id>/check-in/counts", checkin.counts, name="check_in_counts"),
]

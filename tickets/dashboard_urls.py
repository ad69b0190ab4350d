from django.urls import path

from tickets import dashboard_views as views

app_name = "dashboard"
urlpatterns = [
    path("dashboard/tickets", views.tickets, name="tickets"),
    path("dashboard/tickets/<int:pk>/qr", views.ticket_qr, name="ticket_qr"),
    path("dashboard/tickets/<int:pk>/qr.svg", views.ticket_qr_svg, name="ticket_qr_svg"),
    path("dashboard/tickets/<int:pk>/transfer", views.ticket_transfer, name="ticket_transfer"),
    path("dashboard/transfers/<int:pk>/cancel", views.transfer_cancel, name="transfer_cancel"),
    path("dashboard/orders", views.orders, name="orders"),
    path("dashboard/orders/<str:reference>/tickets", views.order_tickets, name="order_tickets"),
    path("dashboard/orders/<str:reference>/passes", views.order_passes, name="order_passes"),
    path("dashboard/orders/<str:reference>/pdf", views.order_pdf, name="order_pdf"),
    path("dashboard/orders/<str:reference>/resend", views.order_resend, name="order_resend"),
    path("transfers/<str:token>", views.transfer_claim, name="transfer_claim"),
]

from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("checkout", views.checkout, name="checkout"),
    path("checkout/promo", views.promo, name="promo"),
    path("checkout/callback", views.callback, name="callback"),
    path("checkout/confirming", views.confirming, name="confirming"),
    path("checkout/success", views.success, name="success"),
    path("orders/link/<str:token>", views.link, name="link"),
    path("orders/<str:reference>", views.detail, name="detail"),
    path("orders/<str:reference>/pay", views.pay, name="pay"),
    path("orders/<str:reference>/cancel", views.cancel, name="cancel"),
    path("organizer/orders/<str:reference>", views.organizer_order, name="organizer_order"),
    path("organizer/events/<int:event_id>/refunds", views.event_refunds, name="event_refunds"),
]

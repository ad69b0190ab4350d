from django.urls import path

from payments.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("transaction/initialize", views.initialize, name="initialize"),
    path("transaction/verify/<str:reference>", views.verify, name="verify"),
    path("refund", views.refund, name="refund"),
    path("checkout/<str:access_code>", views.checkout, name="checkout"),
]

from django.urls import path

from payments.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("transaction/initialize", views.initialize, name="initialize"),
    path("transaction/verify/<str:reference>", views.verify, name="verify"),
    path("refund", views.refund, name="refund"),
    path("checkout/<str:access_code>", views.checkout, name="checkout"),
    path("bank", views.banks, name="banks"),
    path("bank/resolve", views.resolve, name="resolve"),
    path("transferrecipient", views.transfer_recipient, name="transfer_recipient"),
    path("transfer", views.transfer, name="transfer"),
    path("transfer/verify/<str:reference>", views.transfer_verify, name="transfer_verify"),
]

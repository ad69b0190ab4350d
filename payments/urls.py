from django.conf import settings
from django.urls import include, path

from payments import views

app_name = "payments"
urlpatterns = [
    path("api/v1/webhooks/paystack", views.paystack_webhook, name="paystack_webhook"),
]

if settings.PAYSTACK_SANDBOX:
    urlpatterns += [path("sandbox/paystack/", include("payments.sandbox.urls"))]

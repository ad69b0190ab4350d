from django.conf import settings
from django.urls import include, path

from payments import payout_views, views

app_name = "payments"
urlpatterns = [
    path("api/v1/webhooks/paystack", views.paystack_webhook, name="paystack_webhook"),
    path("organizer/money", payout_views.money, name="money"),
    path("organizer/money/statement.csv", payout_views.statement, name="statement"),
    path("organizer/money/account", payout_views.payout_account, name="payout_account"),
]

if settings.PAYSTACK_SANDBOX:
    urlpatterns += [path("sandbox/paystack/", include("payments.sandbox.urls"))]

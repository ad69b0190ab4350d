from django.urls import path

from getiickets import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("newsletter", views.newsletter_signup, name="newsletter_signup"),
    path("faqs", views.faqs, name="faqs"),
    path("support", views.support, name="support"),
    path("privacy", views.privacy, name="privacy"),
    path("terms", views.terms, name="terms"),
    path("refund-policy", views.refund_policy, name="refund_policy"),
]

from django.urls import path
from django.views.generic import RedirectView

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("auth/after-login", views.after_login, name="after_login"),
    path("auth/guest", views.guest, name="guest"),
    path("auth/select-role", views.select_role, name="select_role"),
    path("auth/switch-role", views.switch_role, name="switch_role"),
    path("onboarding/buyer", views.onboarding_buyer, name="onboarding_buyer"),
    path("onboarding/organizer", views.onboarding_organizer, name="onboarding_organizer"),
    path("organizer/signup", views.organizer_signup, name="organizer_signup"),
    path("profile", views.profile, name="profile"),
    path("dashboard/profile", RedirectView.as_view(pattern_name="accounts:profile")),
]

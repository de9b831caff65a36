from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("read/", views.mark_all_read, name="read_all"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_one_read, name="read"),
    path("settings/", views.settings_page, name="settings"),
    path("digest/", views.digest_page, name="digest"),
    path("watch/<str:kind>/<int:pk>/", views.toggle_watch_view, name="watch"),
    path("members/", views.member_lookup, name="member_lookup"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
]

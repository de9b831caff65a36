from django.contrib import admin
from django.urls import include, path

from ideas import views as ideas_views

from . import views
from .login import ThrottledAdminAuthenticationForm, ThrottledLoginView, ThrottledPasswordResetView

admin.site.site_header = "IDL Wiki curation"
admin.site.site_title = "IDL Wiki admin"
# The admin has its own login page; it counts failures with the site's login.
admin.site.login_form = ThrottledAdminAuthenticationForm

handler400 = views.bad_request

urlpatterns = [
    path("", views.home, name="home"),
    path("tags/", views.tag_index, name="tags"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("members/<str:username>/", views.member_detail, name="member"),
    path("search/", views.search_page, name="search"),
    path("preview/", views.markdown_preview, name="preview"),
    path("tag-lookup/", views.tag_lookup, name="tag_lookup"),
    # A reference's discussion: comments belong to the ideas app, which sits above the library.
    path("library/<int:pk>/comments/", ideas_views.reference_comment_add, name="reference_comment_add"),
    path("", include("library.urls")),
    path("", include("wiki.urls")),
    path("ideas/", include("ideas.urls")),
    path("notifications/", include("notifications.urls")),
    # Before Django's auth URLs, so these (throttled) are what `accounts/login/` and
    # `accounts/password_reset/` serve.
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

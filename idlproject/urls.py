from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "IDL Wiki curation"
admin.site.site_title = "IDL Wiki admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("members/<str:username>/", views.member_detail, name="member"),
    path("search/", views.search_page, name="search"),
    path("preview/", views.markdown_preview, name="preview"),
    path("tag-lookup/", views.tag_lookup, name="tag_lookup"),
    path("", include("library.urls")),
    path("ideas/", include("ideas.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

from django.urls import path

from . import feeds, transfer, views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_new, name="new"),
    path("import/", transfer.ideas_import_page, name="import"),
    path("export.md", transfer.ideas_download, name="download"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("feed/", feeds.ideas_feed, name="feed"),
    path("<slug:slug>/", views.idea_detail, name="detail"),
    path("<slug:slug>/edit/", views.idea_edit, name="edit"),
    path("<slug:slug>/delete/", views.idea_delete, name="delete"),
    path("<slug:slug>/join/", views.idea_join, name="join"),
    path("<slug:slug>/vote/", views.idea_vote, name="vote"),
    path("<slug:slug>/comments/", views.comment_add, name="comment_add"),
]

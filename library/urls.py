from django.urls import path

from . import feeds, queue_views, transfer, views

app_name = "library"

urlpatterns = [
    path("library/", views.reference_list, name="list"),
    path("library/add/", views.reference_add, name="add"),
    path("library/lookup/", views.reference_lookup, name="lookup"),
    path("library/metadata/", views.reference_metadata, name="metadata"),
    path("library/bookmarklet/", views.bookmarklet, name="bookmarklet"),
    path("library/export.bib", views.reference_bibtex, name="bibtex"),
    path("library/export.md", transfer.papers_download, name="papers_download"),
    path("library/import/", transfer.library_import_page, name="import"),
    path("library/<int:pk>/", views.reference_detail, name="detail"),
    path("library/<int:pk>/edit/", views.reference_edit, name="edit"),
    path("library/<int:pk>/delete/", views.reference_delete, name="delete"),
    path("log/", views.log_list, name="log"),
    path("log/add/", views.log_add, name="log_add"),
    path("log/export.md", transfer.log_download, name="log_download"),
    path("log/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("log/<int:pk>/delete/", views.log_delete, name="log_delete"),
    path("log/feed/", feeds.log_feed, name="log_feed"),
    path("queue/", queue_views.queue_page, name="queue"),
    path("queue/<int:pk>/add/", queue_views.queue_add, name="queue_add"),
    path("queue/<int:pk>/remove/", queue_views.queue_remove, name="queue_remove"),
    path("queue/<int:pk>/move/", queue_views.queue_move, name="queue_move"),
    path("up-next/", queue_views.up_next_page, name="up_next"),
    path("up-next/<int:pk>/vote/", queue_views.up_next_vote, name="up_next_vote"),
    path("up-next/<int:pk>/pick/", queue_views.pick, name="pick"),
    path("up-next/picks/<int:pk>/unpick/", queue_views.unpick, name="unpick"),
    path("feeds/", feeds.feed_settings, name="feeds"),
    path("feeds/renew/", feeds.feed_renew, name="feeds_renew"),
]

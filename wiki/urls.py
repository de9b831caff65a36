from django.urls import path

from . import views

app_name = "wiki"

urlpatterns = [
    path("history/deleted/", views.deleted_list, name="deleted"),
    path("history/<slug:slug>/<int:object_id>/", views.history_list, name="history"),
    path("history/<slug:slug>/<int:object_id>/compare/", views.history_compare, name="history_compare"),
    path("history/revisions/<int:pk>/restore/", views.history_restore, name="history_restore"),
]

from django.apps import AppConfig


class IdeasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ideas"

    def ready(self):
        from . import history, search  # noqa: F401  history registers ideas and comments

        search.connect()

from django.apps import AppConfig


class WikiConfig(AppConfig):
    """The core beneath the library and ideas: history, search, markdown, access, backups."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "wiki"
    verbose_name = "Wiki core"

    def ready(self):
        from . import lookups, pagecache  # noqa: F401 (lookups: registers `__any_of`)

        pagecache.connect()

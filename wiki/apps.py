from django.apps import AppConfig
from django.db.backends.signals import connection_created


class WikiConfig(AppConfig):
    """The core beneath the library and ideas: history, search, markdown, access, backups."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "wiki"
    verbose_name = "Wiki core"

    def ready(self):
        from . import lookups, pagecache  # noqa: F401 (lookups: registers `__any_of`)

        pagecache.connect()
        connection_created.connect(_connected, dispatch_uid="wiki-postgresql-lists")


def _connected(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        from . import pgarrays  # psycopg is imported only where it is used

        pgarrays.register(connection)

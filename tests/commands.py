"""Running management commands in tests."""

from io import StringIO

from django.core.management import call_command


def run(*args):
    """What the command printed (its stderr kept apart)."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()

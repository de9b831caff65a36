import itertools
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from library.models import Kind, LogEntry, Reference

from .metadata_server import stub  # noqa: F401  (the metadata sources, for any test that asks)

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@pytest.fixture
def write(tmp_path):
    """write(name, text): a UTF-8 file in the test's folder; returns its path."""

    def write(name, content):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def make_user(db):
    def make(username=None, **extra):
        username = username or f"user{next(_counter)}"
        return get_user_model().objects.create_user(
            username=username, email=f"{username}@example.com", password=PASSWORD, **extra
        )

    return make


@pytest.fixture
def member(make_user):
    return make_user("member")


@pytest.fixture
def other_member(make_user):
    return make_user("other")


@pytest.fixture
def curator(make_user):
    return make_user("curator", is_staff=True, is_superuser=True)


@pytest.fixture
def make_reference(db):
    def make(title=None, url=None, **extra):
        n = next(_counter)
        return Reference.objects.create(
            title=title or f"Paper number {n}",
            url=f"https://arxiv.org/abs/2401.{n:05d}" if url is None else url,
            kind=extra.pop("kind", Kind.PAPER),
            **extra,
        )

    return make


@pytest.fixture
def make_entry(db, make_reference):
    def make(reader, reference=None, **extra):
        read_on = extra.pop("read_on", "2024-09-25")
        extra["read_on"] = date.fromisoformat(read_on) if isinstance(read_on, str) else read_on
        return LogEntry.objects.create(reader=reader, reference=reference or make_reference(), **extra)

    return make


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def make_idea(db):
    from ideas.models import Idea

    def make(title=None, **extra):
        return Idea.objects.create(title=title or f"Idea number {next(_counter)}", **extra)

    return make


@pytest.fixture
def make_comment(db):
    from ideas.models import Comment

    def make(subject, author, body="A comment", **extra):
        """A comment on an idea or on a reference."""
        return Comment.objects.create(
            **{subject._meta.model_name: subject}, author=author, body=body, **extra
        )

    return make


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache, as a fresh process would."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


LOCAL_HOSTS = {"localhost", "testserver", None}


def _is_address(name):
    """An IP address resolves to itself, without asking anyone."""
    import ipaddress

    try:
        ipaddress.ip_address(str(name).strip("[]"))
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """The suite never reaches the internet, wherever it runs: a name that is not this machine's
    does not resolve (the metadata sources' tests start their own servers on 127.0.0.1)."""
    import socket

    resolve = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOCAL_HOSTS and not _is_address(name):
            raise socket.gaierror(socket.EAI_NONAME, f"offline test suite: {name} does not resolve")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)

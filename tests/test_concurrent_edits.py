"""A curator in the admin and a member on the site save the same reference at the same moment.

Two real connections to PostgreSQL (each request in its own thread): the first save is held
inside its transaction, after its stale check and before its write, until the second request
has started. Exactly one of the two may win; the other must be refused, whichever came first.
(On SQLite every write transaction starts with the database's write lock, so two writers
never overlap; this is PostgreSQL's row lock at work.)
"""

import threading
import time

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from ideas.models import Comment
from library.models import Reference
from tests.test_write_paths import form_on
from wiki import history

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections"),
]

HOLD_SECONDS = 1.0


@pytest.fixture
def setup(make_user, make_reference):
    reference = make_reference(title="Attention Is All You Need")
    clients = {}
    for name, user in {
        "site": make_user("member"),
        "admin": make_user("boss", is_staff=True, is_superuser=True),
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    pages = {"site": reverse("library:edit", args=[reference.pk])}
    pages["admin"] = reverse("admin:library_reference_change", args=[reference.pk])
    # Both open the reference as it is now.
    forms = {name: form_on(clients[name], pages[name], "title") for name in clients}
    return reference, clients, pages, forms


def race(model, first, second, requests):
    """`requests[first]` saves and is held mid-transaction (in pre_save of `model`) while
    `requests[second]` runs; returns their responses."""
    held = threading.Event()
    responses = {}

    def hold(sender, instance, **kwargs):
        if threading.current_thread().name == first:
            held.set()
            time.sleep(HOLD_SECONDS)  # the second request runs meanwhile, up to whatever lock it meets

    def send(name):
        try:
            responses[name] = requests[name]()
        finally:
            connection.close()

    pre_save.connect(hold, sender=model, dispatch_uid="hold-first-save")
    try:
        threads = {name: threading.Thread(target=send, args=[name], name=name) for name in (first, second)}
        threads[first].start()
        assert held.wait(10), "the first save never reached its write"
        threads[second].start()
        for thread in threads.values():
            thread.join(30)
    finally:
        pre_save.disconnect(dispatch_uid="hold-first-save", sender=model)
    return responses


def refused(name, response):
    if name == "site":
        return response.status_code == 409
    return (
        response.status_code == 200 and "Someone saved this after you opened it" in response.content.decode()
    )


@pytest.mark.parametrize("first, second", [("site", "admin"), ("admin", "site")])
def test_exactly_one_of_a_simultaneous_admin_and_site_save_wins(setup, first, second):
    reference, clients, pages, forms = setup
    requests = {
        name: lambda name=name: clients[name].post(
            pages[name], {**forms[name], "title": f"Saved from the {name}"}
        )
        for name in clients
    }
    responses = race(Reference, first, second, requests)
    assert responses[first].status_code == 302, f"the {first} saved first"
    assert refused(second, responses[second]), f"the {second} must be refused, not saved over the {first}"
    reference.refresh_from_db()
    assert reference.title == f"Saved from the {first}"


# A curator hides a comment at the moment its author saves an edit of it.


@pytest.fixture
def discussion(make_user, make_idea, make_comment):
    author = make_user("author")
    comment = make_comment(make_idea("Titans memory"), author, body="First thoughts")
    clients = {"edit": Client(), "hide": Client()}
    clients["edit"].force_login(author)
    clients["hide"].force_login(make_user("boss", is_staff=True, is_superuser=True))
    form = form_on(clients["edit"], reverse("ideas:comment_edit", args=[comment.pk]), "body")
    return comment, clients, form


def race_hide_and_edit(first, second, comment, clients, form):
    requests = {
        "edit": lambda: clients["edit"].post(
            reverse("ideas:comment_edit", args=[comment.pk]), {**form, "body": "Second thoughts"}
        ),
        "hide": lambda: clients["hide"].post(reverse("ideas:comment_hide", args=[comment.pk])),
    }
    return race(Comment, first, second, requests)


def test_a_hide_saved_during_an_edit_is_never_undone_by_it(discussion):
    comment, clients, form = discussion
    responses = race_hide_and_edit("hide", "edit", comment, clients, form)
    assert responses["hide"].status_code == 302
    assert responses["edit"].status_code == 409, "the edit was opened on the shown comment"
    comment.refresh_from_db()
    assert comment.is_hidden and comment.body == "First thoughts"


def test_a_hide_waiting_on_an_edit_records_the_edited_text(discussion):
    comment, clients, form = discussion
    responses = race_hide_and_edit("edit", "hide", comment, clients, form)
    assert responses["edit"].status_code == 302 and responses["hide"].status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and comment.body == "Second thoughts"
    hide = history.revisions_of(Comment, comment.pk).last()
    assert hide.note == "Hidden" and hide.data["body"] == "Second thoughts", "the revision is what was saved"

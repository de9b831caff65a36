"""A member queues a paper from its page, reads it, and the log takes it from the queue."""

import pytest
from playwright.sync_api import expect

from library.models import LogEntry, QueueItem, UpNextVote

from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


def test_queue_a_paper_read_it_and_log_it(page, make_user, make_reference):
    carol = make_user("carol")
    paper = make_reference(title="Toy Models of Superposition", url="https://example.org/toy-models")
    make_reference(title="Another paper to read", url="https://example.org/another")
    log_in(page, "carol", PASSWORD)

    # She queues the paper from its page, and votes to read it together.
    page.goto(paper.get_absolute_url())
    page.get_by_role("button", name="+ Add to my reading queue").click()
    expect(page.get_by_text("Added “Toy Models of Superposition” to your reading queue.")).to_be_visible()
    page.get_by_role("button", name="Read it together · 0").click()
    expect(page.get_by_role("button", name="✓ You want to read it together · 1")).to_be_visible()
    assert UpNextVote.objects.filter(member=carol, reference=paper).exists()

    # A second paper from a search result, then the queue in her chosen order.
    page.goto("/search/?q=another+paper")
    page.get_by_role("button", name="+ Queue").click()
    expect(page.get_by_text("✓ in your queue")).to_be_visible()
    page.get_by_role("link", name="Queue", exact=True).click()
    rows = page.locator(".queue .title")
    expect(rows).to_have_text(["Toy Models of Superposition", "Another paper to read"])
    page.get_by_role("button", name="Move “Another paper to read” up").click()
    expect(rows).to_have_text(["Another paper to read", "Toy Models of Superposition"])

    # "I read it": the log form, prefilled for the paper; saving the note logs it.
    page.get_by_role("link", name="I read “Toy Models of Superposition”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a reading")
    expect(page.locator(".lead")).to_contain_text("Toy Models of Superposition")
    page.get_by_label("Notes").fill("Phase changes between *superposition* and not.")
    page.get_by_role("button", name="Log it").click()

    expect(page.get_by_text("Logged “Toy Models of Superposition”.")).to_be_visible()
    expect(page.get_by_text("It left your reading queue.")).to_be_visible()
    entry = page.locator(".log-entry", has_text="Toy Models of Superposition")
    expect(entry.locator(".notes em")).to_have_text("superposition")
    assert LogEntry.objects.get().reader == carol

    page.get_by_role("link", name="Queue", exact=True).click()
    expect(rows).to_have_text(["Another paper to read"])
    assert list(QueueItem.objects.values_list("reference__title", flat=True)) == ["Another paper to read"]

"""Two people, one record: the second save is refused and shown beside the first; history undoes."""

import pytest
from playwright.sync_api import expect

from ideas.models import Idea
from library.models import Reference

from .conftest import ARTIFACTS
from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"


@pytest.fixture
def two_browsers(browser, live_server):
    contexts = [
        browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}) for _ in "ab"
    ]
    pages = []
    for context in contexts:
        context.set_default_timeout(10_000)
        pages.append(context.new_page())
    yield pages
    for context in contexts:
        context.close()


def test_two_browsers_edit_one_idea_and_nothing_is_lost(two_browsers, make_user, make_idea):
    ada_user = make_user("ada")
    make_user("ben")
    idea = make_idea(
        title="Sparse autoencoders on Titans", body="Train an SAE on the memory.", proposer=ada_user
    )
    ada, ben = two_browsers
    log_in(ada, "ada", PASSWORD)
    log_in(ben, "ben", PASSWORD)

    # Both open the edit form of the same idea.
    for page in (ada, ben):
        page.goto(f"/ideas/{idea.slug}/edit/")
    ada.get_by_label("Body").fill("Train an SAE on the memory.\n\nAda: use the 16k dictionary.")
    ada.get_by_role("button", name="Save").click()
    expect(ada.get_by_text("Saved “Sparse autoencoders on Titans”.")).to_be_visible()

    # Ben saves from his stale form: refused, with Ada's version beside his own text.
    ben.get_by_label("Body").fill("Train an SAE on the memory.\n\nBen: compare with DeepSeek's.")
    ben.get_by_role("button", name="Save").click()
    expect(ben.get_by_role("alert").first).to_contain_text("ada saved this after you opened it")
    conflict = ben.locator(".conflict")
    expect(conflict).to_contain_text("Ada: use the 16k dictionary.")
    expect(ben.get_by_label("Body")).to_have_value(
        "Train an SAE on the memory.\n\nBen: compare with DeepSeek's."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    ben.screenshot(path=ARTIFACTS / "edit-conflict.png", full_page=True)
    idea.refresh_from_db()
    assert "Ada: use the 16k dictionary." in idea.body and "Ben" not in idea.body

    # He merges both into the form and saves: now it goes through.
    ben.get_by_label("Body").fill(
        "Train an SAE on the memory.\n\nAda: use the 16k dictionary.\n\nBen: compare with DeepSeek's."
    )
    ben.get_by_role("button", name="Save").click()
    expect(ben.get_by_text("Saved “Sparse autoencoders on Titans”.")).to_be_visible()
    idea.refresh_from_db()
    assert "Ada: use the 16k dictionary." in idea.body and "Ben: compare" in idea.body

    # The history shows both edits, and a diff of Ben's shows his words added.
    ben.get_by_role("link", name="History of this idea").click()
    expect(ben.locator("table.revisions tbody tr")).to_have_count(3)
    ben.screenshot(path=ARTIFACTS / "history-list.png", full_page=True)
    ben.get_by_role("button", name="Compare the chosen revisions").click()
    expect(ben.locator("td.diff-text ins")).to_contain_text("Ben: compare with DeepSeek")
    ben.screenshot(path=ARTIFACTS / "history-compare.png", full_page=True)


def test_a_curator_brings_back_a_deleted_reference(page, make_user, make_reference):
    make_user("cur", is_staff=True, is_superuser=True)
    reference = make_reference(title="Titans: Learning to Memorize at Test Time")
    reference.tags.add("memory")
    log_in(page, "cur", PASSWORD)
    page.goto(reference.get_absolute_url())
    page.get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Curators can bring it back")).to_be_visible()
    assert not Reference.objects.filter(pk=reference.pk).exists()

    page.get_by_role("link", name="Library", exact=True).click()
    page.get_by_role("link", name="Deleted", exact=True).click()
    row = page.get_by_role("row", name="Titans: Learning to Memorize at Test Time")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "deleted-list.png", full_page=True)
    row.get_by_role("button", name="Restore").click()
    expect(page.get_by_role("heading", name="Titans: Learning to Memorize at Test Time")).to_be_visible()
    expect(page.get_by_role("link", name="memory")).to_be_visible()
    assert Reference.objects.get(pk=reference.pk).tags.get().name == "memory"
    assert not Idea.objects.exists()

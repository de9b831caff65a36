"""The everyday flows a new member tried, clicked through in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from library.models import LogEntry, Reference
from library.services import merge_references
from wiki import changes

from .conftest import ARTIFACTS
from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def visited(page):
    """Every URL the browser asks for, to show no form leaked its CSRF token into one."""
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_restore_this_revision_restores_it(page, visited, make_user, make_reference):
    ada = make_user("ada")
    reference = make_reference(title="Titans: Learning to Memorize at Test Time")
    for title in ("Titans (draft title)", "Titans, renamed by mistake"):
        with changes.change(reference, ada):
            reference.title = title
            reference.save()
    log_in(page, "ada", PASSWORD)
    page.goto(f"/history/reference/{reference.pk}/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "history-list-1280.png", full_page=True)
    # The first button of the list: the newest revision that can be restored (the one before).
    page.get_by_role("button", name="Restore this revision").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Titans (draft title)")
    reference.refresh_from_db()
    assert reference.title == "Titans (draft title)"
    assert not [url for url in visited if "csrfmiddlewaretoken" in url]

    # Comparing still works, from the same list.
    page.goto(f"/history/reference/{reference.pk}/")
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.locator("td.diff-text ins").first).to_be_visible()
    assert not [url for url in visited if "csrfmiddlewaretoken" in url]

    # On a phone the history fits the screen.
    page.set_viewport_size(PHONE)
    page.goto(f"/history/reference/{reference.pk}/")
    page.screenshot(path=ARTIFACTS / "history-list-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_pasting_a_known_link_logs_it_and_adding_it_goes_to_it(page, make_user, make_reference):
    ada = make_user("ada")
    known = make_reference(
        title="Deep Residual Learning for Image Recognition", url="https://arxiv.org/abs/1512.03385"
    )
    log_in(page, "ada", PASSWORD)

    page.get_by_role("link", name="Log a reading").first.click()
    page.get_by_label("URL").fill("arXiv:1512.03385")
    expect(page.get_by_role("status")).to_contain_text("Already in the library")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged “Deep Residual Learning for Image Recognition”.")).to_be_visible()
    entry = LogEntry.objects.get()
    assert (entry.reference, entry.reader, entry.read_on) == (known, ada, timezone.localdate())

    page.goto("/library/add/")
    page.get_by_label("URL").fill("https://arxiv.org/pdf/1512.03385v1")
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deep Residual Learning for Image Recognition")
    expect(page.get_by_text("is already in the library, so nothing was added")).to_be_visible()
    assert Reference.objects.count() == 1


def test_an_old_address_of_a_merged_reference_leads_to_where_it_went(page, make_user, make_reference):
    make_user("ada")
    curator = make_user("cur", is_staff=True)
    survivor = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    duplicate = make_reference(title="Attention is all you need (slides)", url="https://example.org/slides")
    old_address = duplicate.get_absolute_url()
    merge_references(survivor, [survivor, duplicate], user=curator)
    log_in(page, "ada", PASSWORD)
    response = page.goto(old_address)
    assert response.ok and page.url.endswith(survivor.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Attention Is All You Need")


def test_filtering_by_a_tag_picked_from_the_offered_ones(page, make_user, make_reference):
    make_user("ada")
    sae = make_reference(title="Towards Monosemanticity")
    sae.tags.add("Sparse Autoencoders")
    make_reference(title="Untagged paper")
    for n in range(30):
        make_reference(title=f"Filler paper {n}").tags.add("filler")
    log_in(page, "ada", PASSWORD)
    page.goto("/library/")
    tag_box = page.get_by_role("combobox", name="Tag")
    tag_box.focus()
    # The box offers the used tags, the most used first, with their counts.
    expect(page.locator("datalist option").first).to_have_attribute("label", "filler (30)")
    expect(page.locator('datalist option[value="Sparse Autoencoders"]')).to_have_attribute(
        "label", "Sparse Autoencoders (1)"
    )
    tag_box.fill("sparse autoencoders")  # typed as a name, in any case
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Towards Monosemanticity", exact=True)).to_be_visible()
    expect(page.get_by_text("1 reference", exact=True)).to_be_visible()

    # The tags index, and the library on a phone: results before the (folded) filters.
    page.goto("/tags/")
    expect(page.get_by_role("link", name="filler used 30 times")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "tags-index-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.goto("/tags/")
    page.screenshot(path=ARTIFACTS / "tags-index-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto("/library/")
    expect(page.locator("details.filter-panel")).not_to_have_attribute("open", "")
    first_row = page.locator(".reference-row").first.bounding_box()
    assert first_row["y"] < PHONE["height"] / 2, "the first reference is on the first half-screen"
    page.screenshot(path=ARTIFACTS / "library-390.png", full_page=False)
    page.get_by_text("Filters", exact=True).click()
    expect(page.get_by_role("button", name="Filter")).to_be_visible()


def test_slash_puts_the_cursor_in_the_search_box(page, make_user):
    make_user("ada")
    log_in(page, "ada", PASSWORD)
    page.goto("/library/")
    page.keyboard.press("/")
    expect(page.locator("#nav-q")).to_be_focused()
    expect(page.locator("#nav-q")).to_have_value("")

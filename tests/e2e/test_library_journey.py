import pytest
from playwright.sync_api import expect

from library.models import Reference

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username, password):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Recently read")).to_be_visible()


def test_member_adds_a_paper_and_finds_it_in_the_library(page, make_user):
    make_user("ada", first_name="Ada")
    log_in(page, "ada", "correct-horse-battery")

    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Add a reference").click()
    page.get_by_label("Kind").select_option("paper")
    page.get_by_label("Title").fill("Titans: Learning to Memorize at Test Time")
    page.get_by_label("URL").fill("https://arxiv.org/abs/2501.00663")
    page.get_by_label("Authors").fill("Ali Behrouz, Peilin Zhong, Vahab Mirrokni")
    page.get_by_label("Summary").fill("A neural long-term memory with $O(n)$ cost.")
    page.get_by_label("Tags").fill("memory, transformers")
    page.get_by_role("button", name="Add to the library").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Titans: Learning to Memorize at Test Time")
    expect(page.get_by_text("Added “Titans: Learning to Memorize at Test Time”.")).to_be_visible()
    expect(page.locator(".summary math")).to_be_visible()

    page.get_by_role("link", name="Library").click()
    expect(
        page.get_by_role("link", name="Titans: Learning to Memorize at Test Time", exact=True)
    ).to_be_visible()
    page.get_by_role("combobox", name="Tag").fill("memory")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 reference", exact=True)).to_be_visible()

    reference = Reference.objects.get()
    assert reference.added_by.username == "ada"
    assert sorted(t.name for t in reference.tags.all()) == ["memory", "transformers"]


def test_anonymous_visitor_of_a_private_wiki_sees_only_the_login_page(page, make_user):
    for path in ["/", "/library/", "/log/", "/library/add/"]:
        page.goto(path)
        expect(page.get_by_role("heading", name="Log in to IDL Wiki")).to_be_visible()

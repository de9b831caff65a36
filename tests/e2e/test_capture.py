"""Paste an identifier, watch the fields fill in, correct one, save: in a real browser."""

import datetime

import pytest
from playwright.sync_api import expect

from library.models import Reference

from .conftest import ARTIFACTS
from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_pasting_an_arxiv_id_fills_the_form_to_check_before_saving(page, stub, make_user):
    make_user("ada")
    log_in(page, "ada", "correct-horse-battery")
    page.goto("/library/add/")
    page.get_by_label("URL").fill("arXiv:1706.03762")
    expect(page.get_by_role("status")).to_contain_text("Filled in from arXiv")
    expect(page.get_by_label("Title")).to_have_value("Attention Is All You Need")
    expect(page.get_by_label("Authors")).to_have_value("Ashish Vaswani, Noam Shazeer, Niki Parmar")
    expect(page.get_by_label("Published")).to_have_value("2017-06-12")
    expect(page.get_by_label("Tags")).to_have_value("cs.CL")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "capture-filled.png", full_page=True)
    page.get_by_label("Venue").fill("NeurIPS 2017")  # the member corrects before saving
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attention Is All You Need")
    reference = Reference.objects.get()
    assert reference.venue == "NeurIPS 2017" and reference.published == datetime.date(2017, 6, 12)
    assert reference.url == "https://arxiv.org/abs/1706.03762"
    assert list(reference.tags.names()) == ["cs.CL"]


def test_a_source_that_knows_nothing_says_so_and_keeps_what_was_typed(page, stub, make_user):
    make_user("ada")
    log_in(page, "ada", "correct-horse-battery")
    page.goto("/library/add/")
    page.get_by_label("Title").fill("My own title")
    page.get_by_label("URL").fill("2401.99999")
    expect(page.get_by_role("status")).not_to_have_text("Looking it up…")
    expect(page.get_by_role("status")).not_to_be_empty()
    expect(page.get_by_label("Title")).to_have_value("My own title")

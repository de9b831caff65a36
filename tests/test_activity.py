from datetime import date, timedelta
from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone

from library.activity import WEEKS, activity_calendar

pytestmark = pytest.mark.django_db

TODAY = date(2024, 9, 25)  # a Wednesday


def test_calendar_counts_entries_per_day_and_scales_levels(member, other_member, make_entry, make_reference):
    for _ in range(4):
        make_entry(member, read_on=TODAY)
    make_entry(member, read_on=TODAY - timedelta(days=1))
    make_entry(other_member, read_on=TODAY)
    make_entry(member, read_on=TODAY - timedelta(days=400))  # outside the year

    calendar = activity_calendar(today=TODAY)
    by_date = {day.date: day for day in calendar["days"]}
    assert calendar["total"] == 6
    assert (by_date[TODAY].count, by_date[TODAY].level) == (5, 4)
    assert (by_date[TODAY - timedelta(days=1)].count, by_date[TODAY - timedelta(days=1)].level) == (1, 1)
    assert calendar["days"][0].date.weekday() == 6  # columns start on Sunday
    assert calendar["days"][-1].date == TODAY
    assert len({day.x for day in calendar["days"]}) == WEEKS
    assert activity_calendar(reader=other_member, today=TODAY)["total"] == 1


def test_member_page_shows_their_reading_ideas_and_comments(
    member_client, member, other_member, make_entry, make_idea, make_comment
):
    make_entry(other_member, notes="notes by other", read_on=timezone.localdate())
    idea = make_idea("Other's idea", proposer=other_member)
    make_comment(idea, other_member, body="a comment by other")
    make_entry(member, notes="not on other's page")
    content = member_client.get(reverse("member", args=["other"])).content.decode()
    assert "notes by other" in content and "Other&#x27;s idea" in content and "a comment by other" in content
    assert "not on other" not in content
    assert "<svg" in content and "1 reading logged in the last year" in content
    assert member_client.get(reverse("member", args=["nobody"])).status_code == 404


def test_member_page_query_budget(
    member_client, other_member, make_entry, make_idea, django_assert_max_num_queries
):
    for n in range(20):
        make_entry(other_member, read_on=date(2024, 1, 1) + timedelta(days=n)).tags.add("x")
        make_idea(proposer=other_member).tags.add("y")
    with django_assert_max_num_queries(11):
        assert member_client.get(reverse("member", args=["other"])).status_code == 200


def test_heatmap_counts_are_cached_but_a_new_reading_shows_at_once(
    member_client, member, make_entry, tmp_path
):
    from django.core.management import call_command

    make_entry(member, read_on=timezone.localdate())
    first = member_client.get(reverse("home")).content.decode()
    assert "1 reading logged in the last year" in first

    make_entry(member, read_on=timezone.localdate())
    assert "2 readings logged in the last year" in member_client.get(reverse("home")).content.decode()

    log = tmp_path / "log.md"
    log.write_text(
        f"Legend:\n- 📜: papers\n\n{timezone.localdate():%m/%d/%Y}\n- 📜[Imported](https://x.org/p)\n"
    )
    call_command("import_library", str(log), "--reader", member.username, stdout=StringIO())
    assert "3 readings logged in the last year" in member_client.get(reverse("home")).content.decode()

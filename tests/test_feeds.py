"""Atom feeds of the reading log and of ideas, and the secret per-member links to them."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from library.models import FeedToken, Reference
from library.services import merge_references

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LOG_FEED = reverse("library:log_feed")
IDEAS_FEED = reverse("ideas:feed")
FEEDS = [LOG_FEED, IDEAS_FEED]
FEEDS_PAGE = reverse("library:feeds")
RENEW = reverse("library:feeds_renew")
HOST = "http://testserver"


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def set_created(obj, when):
    """Backdate an auto_now_add field, which save() would not let us set."""
    type(obj).objects.filter(pk=obj.pk).update(created=when)
    obj.refresh_from_db()
    return obj


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root):
    return root.findall(f"{ATOM}entry")


def text(element, tag):
    return element.findtext(f"{ATOM}{tag}")


def alternate(element):
    return element.find(f"{ATOM}link[@rel='alternate']").get("href")


def published(entry):
    return datetime.fromisoformat(text(entry, "published"))


@pytest.fixture
def log_world(member, other_member, make_reference, make_entry):
    """Three readings whose creation order differs from their primary keys and reading days."""
    oldest = make_entry(member, make_reference(title="Oldest read"), notes="plain")
    newest = make_entry(other_member, make_reference(title="Newest read"), notes="A **bold** claim")
    middle = make_entry(member, make_reference(title="Middle read"))
    set_created(oldest, ago(days=3))
    set_created(newest, ago(hours=1))
    set_created(middle, ago(days=2))
    return {"oldest": oldest, "newest": newest, "middle": middle}


@pytest.fixture
def ideas_world(member, other_member, make_idea, make_comment):
    first = set_created(make_idea("First idea", proposer=member, body="Use *sparse* codes"), ago(hours=5))
    second = set_created(make_idea("Second idea", proposer=other_member), ago(hours=3))
    on_first = set_created(make_comment(first, other_member, body="Count me in"), ago(hours=1))
    on_second = set_created(make_comment(second, member, body="Related to **Titans**"), ago(hours=2))
    hidden = set_created(
        make_comment(first, other_member, body="Rude remark", is_hidden=True), ago(minutes=10)
    )
    return {"first": first, "second": second, "on_first": on_first, "on_second": on_second, "hidden": hidden}


def token_for(user):
    return FeedToken.for_user(user).key


# ---------- The reading-log feed ----------


def test_log_feed_is_atom_with_entries_newest_first(member_client, log_world):
    root = parse_feed(member_client.get(LOG_FEED))
    assert text(root, "title") and text(root, "id") and text(root, "updated")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == HOST + LOG_FEED
    assert alternate(root) == HOST + reverse("library:log")

    items = entries(root)
    assert [text(e, "title") for e in items] == [
        "other: Newest read",
        "member: Middle read",
        "member: Oldest read",
    ]
    expected = [log_world[name] for name in ("newest", "middle", "oldest")]
    for entry, log_entry in zip(items, expected, strict=True):
        assert alternate(entry) == HOST + log_entry.get_absolute_url()
        assert text(entry, "id")
        assert datetime.fromisoformat(text(entry, "updated"))
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == log_entry.reader.get_username()
        assert published(entry) == log_entry.created
    assert len({text(e, "id") for e in items}) == 3


def test_log_feed_carries_rendered_notes_escaped(member_client, log_world):
    response = member_client.get(LOG_FEED)
    raw = response.content.decode()
    # The html is text inside the XML, escaped, never markup of the feed itself.
    assert "&lt;strong&gt;bold&lt;/strong&gt;" in raw
    assert "<strong>" not in raw
    newest, _middle, oldest = entries(parse_feed(response))
    summary = newest.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<strong>bold</strong>" in summary.text and "**" not in summary.text
    assert "plain" in oldest.findtext(f"{ATOM}summary")


def test_entry_without_notes_has_no_summary(member_client, log_world):
    middle = entries(parse_feed(member_client.get(LOG_FEED)))[1]
    assert text(middle, "title") == "member: Middle read"
    assert middle.find(f"{ATOM}summary") is None


def test_atom_ids_stay_the_same_when_the_link_changes(member_client, log_world, make_reference):
    """A reader must not show an entry twice because its reference was merged into another."""
    entry = log_world["oldest"]
    before = {
        text(e, "title"): (text(e, "id"), alternate(e))
        for e in entries(parse_feed(member_client.get(LOG_FEED)))
    }
    survivor = make_reference(title="Survivor")
    merge_references(survivor, [survivor, entry.reference])
    after = {text(e, "id"): alternate(e) for e in entries(parse_feed(member_client.get(LOG_FEED)))}
    old_id, old_link = before["member: Oldest read"]
    assert old_id in after
    assert after[old_id] != old_link and after[old_id].startswith(HOST + survivor.get_absolute_url())


# ---------- The ideas feed ----------


def test_ideas_feed_merges_ideas_and_comments_newest_first(member_client, ideas_world):
    items = entries(parse_feed(member_client.get(IDEAS_FEED)))
    assert [text(e, "title") for e in items] == [
        "other on “First idea”",
        "member on “Second idea”",
        "New idea: Second idea",
        "New idea: First idea",
    ]
    expected = ["on_first", "on_second", "second", "first"]
    assert [alternate(e) for e in items] == [HOST + ideas_world[name].get_absolute_url() for name in expected]
    assert alternate(items[0]).endswith(f"/ideas/comments/{ideas_world['on_first'].pk}/")
    dates = [published(e) for e in items]
    assert dates == sorted(dates, reverse=True)
    assert items[3].findtext(f"{ATOM}author/{ATOM}name") == "member"
    assert "<em>sparse</em>" in items[3].findtext(f"{ATOM}summary")
    assert len({text(e, "id") for e in items}) == 4


def test_hidden_comments_never_reach_the_ideas_feed(client, curator, ideas_world):
    """Not even for a curator, who sees them on the idea's page: a feed is easily passed on."""
    client.force_login(curator)
    response = client.get(IDEAS_FEED)
    assert len(entries(parse_feed(response))) == 4
    assert b"Rude remark" not in response.content
    assert f"/ideas/comments/{ideas_world['hidden'].pk}/".encode() not in response.content


def test_ideas_feed_keeps_the_latest_fifty_in_all(member_client, member, make_idea, make_comment):
    idea = set_created(make_idea("Busy idea"), ago(days=30))
    for n in range(30):
        set_created(make_comment(idea, member, body=f"comment {n}"), ago(hours=2 * n + 1))
    for n in range(30):
        set_created(make_idea(f"Idea {n}"), ago(hours=2 * n + 2))
    items = entries(parse_feed(member_client.get(IDEAS_FEED)))
    assert len(items) == 50
    titles = [text(e, "title") for e in items]
    # Alternating comment/idea by age: the 25 newest of each, the oldest (and the busy idea) left out.
    assert titles[:2] == ["member on “Busy idea”", "New idea: Idea 0"]
    assert "New idea: Idea 24" in titles and "New idea: Idea 25" not in titles
    assert "New idea: Busy idea" not in titles


def test_feed_is_a_reserved_idea_slug(make_idea):
    assert make_idea("Feed").slug != "feed"


# ---------- Who may read a feed ----------


@pytest.mark.parametrize("url", FEEDS)
def test_private_feed_is_hidden_without_a_valid_token(client, member, url):
    token_for(member)
    for params in ({}, {"token": ""}, {"token": "not-a-real-key"}):
        response = client.get(url, params)
        assert response.status_code == 404, params
        assert b"<feed" not in response.content
    # An anonymous POST learns nothing either (no 405 that would confirm the page exists).
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("url", FEEDS)
def test_valid_token_opens_private_feed_until_renewed(client, member, url):
    old = token_for(member)
    response = client.get(url, {"token": old})
    parse_feed(response)
    assert "private" in response["Cache-Control"]
    # Feed readers that follow rel="self" keep the key.
    self_link = ET.fromstring(response.content).find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"{HOST}{url}?token={old}"

    new = FeedToken.renew(member).key
    assert new != old
    assert client.get(url, {"token": old}).status_code == 404
    parse_feed(client.get(url, {"token": new}))


@pytest.mark.parametrize("url", FEEDS)
def test_token_of_an_inactive_member_opens_nothing(client, member, url):
    key = token_for(member)
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert client.get(url, {"token": key}).status_code == 404


@pytest.mark.parametrize("url", FEEDS)
def test_logged_in_member_reads_feed_without_token(member_client, url):
    parse_feed(member_client.get(url))


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_are_read_only(client, member, url):
    assert client.post(f"{url}?token={token_for(member)}").status_code == 405


@pytest.mark.parametrize("url", FEEDS)
def test_public_wiki_feed_is_open_to_anyone(client, settings, log_world, ideas_world, url):
    settings.IDL_PUBLIC_READ = True
    response = client.get(url)
    assert len(entries(parse_feed(response))) == (3 if url == LOG_FEED else 4)
    assert "private" not in response.get("Cache-Control", "")


# ---------- Query budget ----------


@pytest.fixture
def busy_wiki(make_user, make_reference, make_entry, make_idea, make_comment):
    def build(size):
        readers = [make_user() for _ in range(3)]
        for n in range(size):
            make_entry(readers[n % 3], make_reference(), notes=f"Note $x_{n}$")
            idea = make_idea(proposer=readers[n % 3], body="An idea")
            make_comment(idea, readers[(n + 1) % 3])

    return build


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("url", FEEDS)
def test_feeds_have_a_fixed_query_budget(client, member, busy_wiki, django_assert_max_num_queries, size, url):
    busy_wiki(size)
    key = token_for(member)
    # The token, then one query per kind of item.
    with django_assert_max_num_queries(3):
        response = client.get(url, {"token": key})
    assert len(entries(parse_feed(response))) == min(size if url == LOG_FEED else 2 * size, 50)
    client.force_login(member)
    # Session and user, then the items.
    with django_assert_max_num_queries(4):
        parse_feed(client.get(url))


# ---------- The member's feed links page ----------


def test_feeds_page_shows_the_members_own_links(member_client, member, other_member):
    other_key = token_for(other_member)
    response = member_client.get(FEEDS_PAGE)
    assert response.status_code == 200
    key = FeedToken.objects.get(user=member).key
    html = response.content.decode()
    assert f'value="{HOST}{LOG_FEED}?token={key}"' in html
    assert f'value="{HOST}{IDEAS_FEED}?token={key}"' in html
    assert other_key not in html
    assert f'action="{RENEW}"' in html and "Revoke and make new links" in html
    assert "no-cache" in response["Cache-Control"]
    # The page keeps the same key from one visit to the next.
    assert key in member_client.get(FEEDS_PAGE).content.decode()


def test_feeds_pages_need_a_login(client, member, settings):
    settings.IDL_PUBLIC_READ = True
    for url in (FEEDS_PAGE, RENEW):
        response = client.get(url) if url == FEEDS_PAGE else client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not FeedToken.objects.exists()


def test_renew_makes_a_new_key_and_says_so(member_client, member):
    old = token_for(member)
    response = member_client.post(RENEW, follow=True)
    assert response.redirect_chain == [(FEEDS_PAGE, 302)]
    new = FeedToken.objects.get(user=member).key
    assert new != old
    html = response.content.decode()
    assert new in html and old not in html
    assert "no longer work" in html


def test_renew_is_post_only(member_client, member):
    old = token_for(member)
    assert member_client.get(RENEW).status_code == 405
    assert FeedToken.objects.get(user=member).key == old


def test_renew_enforces_csrf(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    page = browser.get(FEEDS_PAGE).content.decode()
    old = FeedToken.objects.get(user=member).key
    assert browser.post(RENEW).status_code == 403
    assert FeedToken.objects.get(user=member).key == old
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(RENEW, {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert FeedToken.objects.get(user=member).key != old


# ---------- Where the feeds are offered ----------


def test_pages_link_to_the_feeds(member_client, member, other_member):
    log = member_client.get(reverse("library:log")).content.decode()
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml"[^>]* href="{LOG_FEED}">', log)
    assert f'href="{FEEDS_PAGE}"' in log
    assert f'href="{FEEDS_PAGE}"' in member_client.get(reverse("ideas:list")).content.decode()
    own = member_client.get(reverse("member", args=["member"])).content.decode()
    assert "Your feed links" in own and f'href="{FEEDS_PAGE}"' in own
    assert "Your feed links" not in member_client.get(reverse("member", args=["other"])).content.decode()


def test_anonymous_reader_of_a_public_wiki_gets_the_feed_itself(client, settings):
    settings.IDL_PUBLIC_READ = True
    log = client.get(reverse("library:log")).content.decode()
    assert f'href="{LOG_FEED}">Atom feed' in log and f'href="{FEEDS_PAGE}"' not in log
    assert f'href="{IDEAS_FEED}">Atom feed' in client.get(reverse("ideas:list")).content.decode()


def test_admin_lists_tokens_with_a_read_only_key(curator_client, member):
    token = FeedToken.for_user(member)
    changelist = curator_client.get(reverse("admin:library_feedtoken_changelist"), {"q": "memb"})
    assert changelist.status_code == 200 and "Feed token of member" in changelist.content.decode()
    change = curator_client.get(reverse("admin:library_feedtoken_change", args=[token.pk])).content.decode()
    assert token.key in change and 'name="key"' not in change
    # A token is made by its member's page, with a random key; the admin cannot add one.
    assert curator_client.get(reverse("admin:library_feedtoken_add")).status_code == 403


def test_control_characters_in_titles_are_dropped_not_a_500(
    client, settings, member, make_entry, make_idea, make_comment
):
    """A title typed or imported with \\x01, \\x0b or \\x0c reaches the feed without them."""
    settings.IDL_PUBLIC_READ = True  # anonymous readers of a public wiki were refused too
    reference = Reference.objects.create(title="Attention\x01 Is\x0b All\x0c You Need", url="", kind="paper")
    make_entry(member, reference)
    idea = make_idea(title="Probe\x01 the\x0c heads", proposer=member)
    comment = make_comment(idea, member, body="Agreed")
    type(comment).objects.filter(pk=comment.pk).update(body_html="<p>Agreed\x0b</p>")

    log = parse_feed(client.get(LOG_FEED))
    ideas = parse_feed(client.get(IDEAS_FEED))

    assert text(entries(log)[0], "title") == "member: Attention Is All You Need"
    titles = [text(entry, "title") for entry in entries(ideas)]
    assert "New idea: Probe the heads" in titles
    assert "member on “Probe the heads”" in titles
    assert "Agreed" in text(entries(ideas)[0], "summary")

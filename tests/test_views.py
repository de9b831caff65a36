import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from library.models import Kind, LogEntry, Reference
from wiki.history import version_of

from .html_checks import SITE_ELEMENTS, executable_parts

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def world(member, other_member, curator, make_reference, make_entry):
    """One reference, read by `member`, tagged; what every page needs to show something."""
    reference = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    reference.tags.add("transformers")
    entry = make_entry(member, reference, notes="- multi-head\n    - scaled dot product")
    entry.tags.add("transformers")
    return {"reference": reference, "entry": entry}


def test_public_read_lets_visitors_read_but_never_write(client, world, settings):
    # Who gets which status on every URL is the permission table's (test_permissions.py); this
    # shows a visitor's write taking them to the login page with nothing saved.
    settings.IDL_PUBLIC_READ = True
    assert client.get(reverse("library:detail", args=[world["reference"].pk])).status_code == 200
    response = client.post(reverse("library:add"), {"title": "Sneaky", "kind": "paper"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Reference.objects.filter(title="Sneaky").exists()


def test_inactive_users_cannot_log_in(client, make_user):
    make_user("gone", is_active=False)
    response = client.post(LOGIN, {"username": "gone", "password": "correct-horse-battery"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_login_then_lands_where_asked(client, member):
    response = client.post(
        LOGIN, {"username": "member", "password": "correct-horse-battery", "next": "/library/"}
    )
    assert response.status_code == 302 and response["Location"] == "/library/"


def test_logout_is_a_post(member_client):
    assert member_client.get(reverse("logout")).status_code == 405
    member_client.post(reverse("logout"))
    assert member_client.get(reverse("home")).status_code == 302


def test_add_reference(member_client, member):
    response = member_client.post(
        reverse("library:add"),
        {
            "kind": "paper",
            "title": "Titans: Learning to Memorize at Test Time",
            "url": "https://arxiv.org/abs/2501.00663",
            "authors": "Ali Behrouz, Peilin Zhong, Vahab Mirrokni",
            "published": "2024-12-31",
            "summary": "Neural long-term memory, $O(n)$.",
            "tags": "memory, transformers",
        },
    )
    reference = Reference.objects.get()
    assert response.status_code == 302 and response["Location"] == reference.get_absolute_url()
    assert reference.added_by == member and reference.published == date(2024, 12, 31)
    assert sorted(t.name for t in reference.tags.all()) == ["memory", "transformers"]
    page = member_client.get(reference.get_absolute_url())
    assert b"<math" in page.content and b"Ali Behrouz" in page.content


def test_adding_a_known_link_goes_to_the_existing_reference(member_client, world):
    response = member_client.post(
        reverse("library:add"),
        {"kind": "paper", "title": "Transformer paper", "url": "http://arxiv.org/pdf/1706.03762v7"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == world["reference"].get_absolute_url()
    assert Reference.objects.count() == 1
    assert "already in the library" in response.content.decode()


def test_add_reference_shows_field_errors_and_keeps_input(member_client):
    response = member_client.post(
        reverse("library:add"),
        {"kind": "paper", "title": "", "url": "javascript:alert(1)", "summary": "kept"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "url" in form.errors
    assert b"kept</textarea>" in response.content
    assert not Reference.objects.exists()


def test_any_member_edits_any_reference(client, world, other_member):
    client.force_login(other_member)
    reference = world["reference"]
    response = client.post(
        reverse("library:edit", args=[reference.pk]),
        {
            "kind": "paper",
            "title": reference.title,
            "url": reference.url,
            "venue": "NIPS 2017",
            "tags": "transformers",
            "version": version_of(reference),
        },
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.venue == "NIPS 2017"


def test_log_a_new_reading_creates_the_reference(member_client, member):
    response = member_client.post(
        reverse("library:log_add"),
        {
            "title": "My first FNN",
            "url": "./projects/fnn",
            "kind": "code",
            "read_on": "2024-04-20",
            "notes": "- trained on MNIST\n    - 97% accuracy",
            "tags": "course",
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert entry.reader == member and entry.reference.kind == Kind.CODE
    assert entry.reference.url == "./projects/fnn" and entry.logged_title == ""
    assert re.search(r"<li>trained on MNIST<ul>\s*<li>97% accuracy</li>", entry.notes_html)


def test_log_a_reading_of_a_known_link_joins_it(member_client, world):
    response = member_client.post(
        reverse("library:log_add"),
        {
            "title": "Attention Is All You Need",
            "url": "https://arxiv.org/pdf/1706.0376",
            "kind": "paper",
            "read_on": "2024-09-26",
        },
    )
    assert response.status_code == 302
    assert Reference.objects.count() == 1
    assert world["reference"].log_entries.count() == 2


def test_log_from_the_reference_page_with_a_logged_title(member_client, world):
    reference = world["reference"]
    url = reverse("library:log_add")
    page = member_client.get(f"{url}?reference={reference.pk}")
    assert page.status_code == 200 and b'name="url"' not in page.content
    member_client.post(
        url, {"reference": reference.pk, "title": "Attention (section 3)", "read_on": "2024-09-27"}
    )
    assert reference.log_entries.filter(logged_title="Attention (section 3)").exists()


def test_logging_the_same_reading_twice_is_a_form_error(member_client, world):
    entry = world["entry"]
    response = member_client.post(
        reverse("library:log_add"), {"reference": entry.reference.pk, "read_on": entry.read_on.isoformat()}
    )
    assert response.status_code == 200
    assert "already logged" in str(response.context["form"].non_field_errors())
    assert LogEntry.objects.count() == 1


def test_log_form_errors(member_client):
    response = member_client.post(
        reverse("library:log_add"), {"title": "", "read_on": "13/45/2024", "kind": "paper"}
    )
    form = response.context["form"]
    assert response.status_code == 200 and "title" in form.errors and "read_on" in form.errors


def test_owner_edits_their_log_entry_and_others_cannot(client, world, member, other_member):
    entry = world["entry"]
    url = reverse("library:log_edit", args=[entry.pk])
    client.force_login(other_member)
    hijack = {"title": "", "read_on": "2024-01-01", "notes": "hijack", "version": version_of(entry)}
    assert client.post(url, hijack).status_code == 403
    entry.refresh_from_db()
    assert "hijack" not in entry.notes
    client.force_login(member)
    response = client.post(
        url, {"title": "", "read_on": "2024-09-24", "notes": "*better* notes", "version": version_of(entry)}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.notes_html == "<p><em>better</em> notes</p>" and entry.read_on == date(2024, 9, 24)


def test_only_curators_delete(client, world, member, other_member, curator, make_reference):
    lonely = make_reference(title="Never read")
    client.force_login(member)
    assert client.post(reverse("library:delete", args=[lonely.pk])).status_code == 403
    # A log entry: its reader or a curator, never another member.
    client.force_login(other_member)
    assert client.post(reverse("library:log_delete", args=[world["entry"].pk])).status_code == 403
    client.force_login(curator)
    assert client.post(reverse("library:delete", args=[lonely.pk])).status_code == 302
    assert not Reference.objects.filter(pk=lonely.pk).exists()
    # A reference somebody read is protected: the curator is told to merge instead.
    response = client.post(reverse("library:delete", args=[world["reference"].pk]), follow=True)
    assert Reference.objects.filter(pk=world["reference"].pk).exists()
    assert "merge it" in response.content.decode()
    assert client.post(reverse("library:log_delete", args=[world["entry"].pk])).status_code == 302
    assert not LogEntry.objects.exists()


def test_csrf_is_enforced_on_forms(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("library:add"), {"title": "No token", "kind": "paper"})
    assert response.status_code == 403
    assert not Reference.objects.exists()


def test_library_filters(member_client, member, other_member, make_reference):
    old = make_reference(
        title="Deep Residual Learning", published=date(2015, 12, 10), kind=Kind.PAPER, added_by=member
    )
    video = make_reference(
        title="Let's build GPT", kind=Kind.VIDEO, published=date(2023, 1, 17), added_by=other_member
    )
    video.tags.add("llm")

    def titles(**params):
        response = member_client.get(reverse("library:list"), params)
        return [r.title for r in response.context["page"].object_list]

    assert titles(kind="video") == [video.title]
    assert titles(year=2015) == [old.title]
    assert titles(tag="llm") == [video.title]
    assert titles(added_by="member") == [old.title]
    assert titles(q="residual deep") == [old.title]
    assert titles(q="residual gpt") == []
    assert titles(sort="title") == [old.title, video.title]
    assert titles(sort="-published") == [video.title, old.title]
    assert member_client.get(reverse("library:list"), {"kind": "nonsense"}).status_code == 200


def test_log_filters_and_grouping(member_client, member, other_member, make_reference, make_entry):
    video = make_reference(kind=Kind.VIDEO)
    make_entry(member, read_on="2024-09-20")
    b = make_entry(other_member, video, read_on="2024-09-25")
    response = member_client.get(reverse("library:log"))
    content = response.content.decode()
    assert content.index("09/25/2024") < content.index("09/20/2024")
    filtered = member_client.get(
        reverse("library:log"), {"reader": "other", "kind": "video", "after": "2024-09-21"}
    )
    assert list(filtered.context["page"].object_list) == [b]
    empty = member_client.get(reverse("library:log"), {"before": "2024-01-01"})
    assert "Nothing logged here yet" in empty.content.decode()


def test_pagination_keeps_filters(member_client, make_reference):
    for n in range(30):
        make_reference(title=f"Vision paper {n}", kind=Kind.PAPER)
    response = member_client.get(reverse("library:list"), {"kind": "paper"})
    assert 'href="?kind=paper&amp;page=2"' in response.content.decode()


def test_tag_page_lists_references_and_entries(member_client, world):
    response = member_client.get(reverse("tag", args=["transformers"]))
    assert list(response.context["references"]) == [world["reference"]]
    assert list(response.context["log_entries"]) == [world["entry"]]
    assert member_client.get(reverse("tag", args=["nope"])).status_code == 404


def test_user_text_is_escaped_or_sanitized_on_pages(member_client, member, make_reference, make_entry):
    evil = make_reference(title="<script>alert('t')</script>", summary="<img src=x onerror=alert(1)>")
    make_entry(member, evil, notes="[x](javascript:alert(1))")
    for url in [reverse("home"), reverse("library:list"), evil.get_absolute_url(), reverse("library:log")]:
        content = member_client.get(url).content.decode()
        # The site's own pages have forms (logout) and the heatmap SVG; nothing else executable may appear.
        assert executable_parts(content, allowed_tags=SITE_ELEMENTS, site_scripts=True) == [], url
        assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in content


def test_password_reset_sends_a_working_link(client, member, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "member@example.com"})
    assert response.status_code == 302 and len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password", "new_password2": "a-new-long-password"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-long-password")


def test_password_change_needs_the_old_password(member_client, member):
    response = member_client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-long-password",
            "new_password2": "a-new-long-password",
        },
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors


def test_log_form_proposes_today(member_client, world):
    today = timezone.localdate().isoformat()
    for url in [
        reverse("library:log_add"),
        f"{reverse('library:log_add')}?reference={world['reference'].pk}",
    ]:
        assert f'name="read_on" value="{today}"' in member_client.get(url).content.decode()


def test_a_much_read_reference_shows_its_latest_readings_and_links_to_the_rest(
    member_client, member, make_reference, make_entry
):
    from datetime import date, timedelta

    from library.views import READINGS_SHOWN

    reference = make_reference(title="Popular")
    for n in range(READINGS_SHOWN + 3):
        make_entry(member, reference, read_on=date(2024, 1, 1) + timedelta(days=n))

    page = member_client.get(reference.get_absolute_url())
    html = page.content.decode()
    assert html.count('class="log-entry"') == READINGS_SHOWN
    assert html.index("Jan 23, 2024") < html.index("Jan 4, 2024") and "Jan 3, 2024" not in html
    link = f"/log/?reference={reference.pk}"
    assert link in page.content.decode()
    assert member_client.get(link).context["page"].paginator.count == READINGS_SHOWN + 3

"""axe-core in every main page, light and dark; and the main forms with the keyboard alone."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ideas.models import Comment, Idea, IdeaVote
from library.models import LogEntry, Pick, QueueItem, UpNextVote
from notifications.models import Notification

from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe():
    if not AXE.exists():
        message = "axe-core is not installed; `make install` (needs npm) to run the accessibility checks."
        if os.environ.get("IDL_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)

    def check(page):
        # Served from the site's own origin: the Content-Security-Policy refuses inline scripts.
        page.route("**/__axe.min.js", lambda route: route.fulfill(path=AXE))
        page.add_script_tag(url="/__axe.min.js")
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in BLOCKING
        ]

    return check


@pytest.fixture
def wiki(make_user, make_reference, make_entry):
    curator = make_user("cur", is_staff=True, is_superuser=True, first_name="Cora")
    member = make_user("ben")
    reference = make_reference(
        title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762", summary="Uses $QK^T$."
    )
    reference.tags.add("transformers")
    make_entry(member, reference, notes="- scaled by $\\sqrt{d_k}$", read_on="2026-11-20")
    idea = Idea.objects.create(title="Attention sinks", body="**Why** do they appear?", proposer=member)
    idea.tags.add("transformers")
    Comment.objects.create(idea=idea, author=curator, body="Try a 2-layer model.")
    Comment.objects.create(reference=reference, author=member, body="Read section 3, @cur.")
    Notification.objects.create(
        recipient=curator, kind="mention", text="ben mentioned you", excerpt="Read section 3", url="/"
    )
    other = make_reference(title="Toy Models of Superposition", url="https://example.org/toy")
    QueueItem.objects.create(member=curator, reference=reference)
    QueueItem.objects.create(member=curator, reference=other, position=1)
    UpNextVote.objects.create(member=member, reference=other)
    Pick.objects.create(reference=reference, session=datetime.date(2030, 1, 8))
    IdeaVote.objects.create(idea=idea, member=curator)
    assert LogEntry.objects.count() == 1
    return {"reference": reference, "idea": idea}


def test_no_serious_accessibility_violation_on_the_main_pages(page, live_server, wiki, axe):
    reference, idea = wiki["reference"], wiki["idea"]
    anonymous_pages = ["/accounts/login/", "/accounts/password_reset/"]
    member_pages = [
        "/",
        "/library/",
        f"/library/{reference.pk}/",
        "/library/add/",
        f"/library/{reference.pk}/edit/",
        "/log/",
        "/log/add/",
        "/ideas/",
        f"/ideas/{idea.slug}/",
        "/ideas/new/",
        f"/ideas/{idea.slug}/edit/",
        "/members/ben/",
        "/tags/transformers/",
        "/feeds/",
        "/queue/",
        "/up-next/",
        "/library/import/",
        "/accounts/password_change/",
        f"/history/reference/{reference.pk}/",
        f"/history/idea/{idea.pk}/compare/",
        "/history/deleted/",
        "/notifications/",
        "/notifications/settings/",
        "/notifications/digest/",
        "/no-such-page/",
    ]
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in anonymous_pages:
            page.goto(path)
            problems.update({f"{scheme} {path}": found for found in [axe(page)] if found})
    log_in(page, "cur", PASSWORD)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for path in member_pages:
            page.goto(path)
            problems.update({f"{scheme} {path}": found for found in [axe(page)] if found})

    assert problems == {}


def test_every_page_has_its_own_title(page, live_server, wiki):
    log_in(page, "cur", PASSWORD)
    titles = set()
    for path in ["/", "/library/", f"/library/{wiki['reference'].pk}/", "/log/", "/ideas/", "/members/ben/"]:
        page.goto(path)
        title = page.title()
        assert title.endswith("IDL Wiki") and title not in titles, title
        titles.add(title)


def test_log_in_and_log_a_reading_with_the_keyboard_alone(page, live_server, wiki):
    page.goto("/log/add/")
    # Skip link first, then the login form's fields in order; Enter submits.
    page.keyboard.press("Tab")
    for _ in range(16):  # past the header's links (one more since "Up next")
        if page.evaluate("document.activeElement.id") == "id_username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("ben")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log a reading")).to_be_visible()

    # The focus ring is visible on whatever has keyboard focus.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")

    focus_field(page, "id_title")
    page.keyboard.type("Denoising Diffusion Probabilistic Models")
    page.keyboard.press("Tab")
    page.keyboard.type("https://arxiv.org/abs/2006.11239")
    focus_field(page, "id_notes")
    page.keyboard.type("Predict the noise.")
    focus_field(page, "log-submit")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Logged “Denoising Diffusion Probabilistic Models”")).to_be_visible()
    assert LogEntry.objects.filter(reader__username="ben", notes="Predict the noise.").exists()


def test_comment_and_join_an_idea_with_the_keyboard_alone(page, live_server, wiki):
    log_in(page, "ben", PASSWORD)
    page.goto(f"/ideas/{wiki['idea'].slug}/")

    focus_field(page, "id_body")
    page.keyboard.type("I can run it on the small model.")
    focus_field(page, "comment-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_text("I can run it on the small model.")).to_be_visible()

    focus_field(page, "join-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Leave this idea")).to_be_visible()


def focus_field(page, element_id, limit=80):
    """Press Tab until the element with this id has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_the_check_itself_catches_a_serious_violation(page, live_server, axe):
    page.goto("/accounts/login/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")

    assert any("image-alt" in problem for problem in axe(page))

"""The Content-Security-Policy holds in a real browser: no page of ours or of the admin breaks it."""

import pytest
from playwright.sync_api import expect

from ideas.models import Idea

from .test_library_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery"

# Reported in the page's console, where the test collects it with Chromium's own messages.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) =>
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`));
"""


def violations(messages):
    return [text for text in messages if "Content Security Policy" in text or "CSP violation" in text]


@pytest.fixture
def console(page):
    page.add_init_script(REPORT_VIOLATIONS)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return messages


def test_pages_with_math_scripts_and_the_admin_break_no_policy(page, console, make_user, make_reference):
    make_user("cur", is_staff=True, is_superuser=True)
    reference = make_reference(
        title="Attention Is All You Need",
        summary="Scaled by $\\frac{1}{\\sqrt{d_k}}$:\n\n$$\\begin{matrix} Q & K \\end{matrix}$$",
    )
    idea = Idea.objects.create(title="Attention sinks", body="Why $x^2$?")
    idea.references.add(reference)

    log_in(page, "cur", PASSWORD)
    for url in [f"/library/{reference.pk}/", "/ideas/", f"/ideas/{idea.slug}/", "/nowhere/"]:
        page.goto(url)
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    page.goto(f"/library/{reference.pk}/")
    expect(page.locator(".prose math").first).to_be_visible()

    # Scripted pages: the reference picker, and the markdown preview that inserts server HTML.
    page.goto(f"/ideas/{idea.slug}/edit/")
    page.get_by_label("Search the library").fill("attention")
    expect(page.get_by_role("button", name="📜 Attention Is All You Need", exact=True)).to_be_visible()
    page.goto("/log/add/")
    page.get_by_label("Notes").fill("- $\\sqrt{d_k}$ and **bold**")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".md-preview math")).to_be_visible()

    # The admin: its index, a list with the action bar, a form with the calendar widget.
    page.goto("/admin/")
    page.goto("/admin/library/reference/")
    page.locator("input.action-select").first.check()
    page.goto("/admin/library/logentry/add/")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()

    assert violations(console) == []


def test_the_check_itself_sees_a_violation(page, console, make_user):
    page.goto("/accounts/login/")

    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>')")

    expect(page.locator("p", has_text="inline")).to_be_attached()
    page.wait_for_timeout(200)  # the violation event is dispatched after the insertion
    assert violations(console)

"""Security headers on every kind of page, no inline code anywhere, and request-size limits."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from library.models import LogEntry, Reference
from wiki.rendering import render_markdown

from .formats_fixtures import PAPERS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MB = 2**20


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def assert_hardened(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "https:"]  # markdown may show images from the web
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_kind_of_page_carries_the_policy(client, curator, make_reference):
    assert_hardened(client.get("/accounts/login/"))
    client.force_login(curator)
    reference = make_reference(summary="Scaled by $\\sqrt{d_k}$.")
    for url in ["/", f"/library/{reference.pk}/", "/admin/", "/admin/library/reference/", "/nowhere/"]:
        assert_hardened(client.get(url))


INLINE = [
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),  # a script without src is inline code
    re.compile(r"<style", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick= and friends
    re.compile(r"javascript:", re.I),
]


def test_no_template_has_inline_script_or_style():
    templates = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    templates += list((ROOT / "templates").glob("**/*.html"))
    # Mail is never served under the site's policy, and mail programs drop <style>: inline is the norm.
    templates = [path for path in templates if "mail" not in path.relative_to(ROOT).parent.parts]
    assert len(templates) > 20
    offending = [
        f"{path.relative_to(ROOT)}: {pattern.pattern}"
        for path in templates
        for pattern in INLINE
        if pattern.search(path.read_text())
    ]
    assert offending == []


def test_rendered_markdown_and_math_need_no_inline_style():
    html = render_markdown(
        "Inline $\\frac{a}{b}$, $\\mathbf{x}^\\top W$, $\\color{red}{x}$, $\\hspace{1em}$ and\n\n"
        "$$\\begin{matrix} 1 & 2 \\\\ 3 & 4 \\end{matrix}$$\n\n"
        '<span style="color:red" onclick="alert(1)">raw</span> [x](javascript:alert(1)) '
        "![img](https://example.org/a.png)"
    )
    assert "<math" in html and "<mfrac>" in html and "<mtable" in html
    elements = Elements()
    elements.feed(html)
    assert "script" not in elements.tags and "style" not in elements.tags
    inline = [(tag, name) for tag, name, _ in elements.attributes if name == "style" or name.startswith("on")]
    assert inline == []
    assert ("img", "src", "https://example.org/a.png") in elements.attributes
    assert not any(value.startswith("javascript:") for _, _, value in elements.attributes)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def big_form_body(size):
    return b"notes=" + b"x" * size


def test_a_50_mb_form_post_gets_the_413_page_and_changes_nothing(member_client, make_reference):
    reference = make_reference()

    response = member_client.post(
        "/log/add/",
        big_form_body(50 * MB) + f"&reference={reference.pk}&read_on=2026-01-02".encode(),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "Request too large" in page and "the limit is 2 MB" in page and "What you sent is 50 MB" in page
    assert "IDL Wiki" in page  # in the site's style, with its header
    assert_hardened(response)
    assert not LogEntry.objects.exists()


def test_a_form_just_under_the_limit_reaches_the_form(member_client):
    response = member_client.post(
        "/log/add/", big_form_body(MB), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200  # re-rendered with its field errors, not refused


def test_a_big_text_field_in_a_multipart_form_gets_the_413_page(member_client):
    # Under the upload limit, so it is read; Django then finds the fields over 2 MB.
    response = member_client.post("/log/add/", {"notes": "x" * (3 * MB)})

    assert response.status_code == 413 and "The limit is 2 MB" in response.content.decode()
    assert not LogEntry.objects.exists()


def test_a_50_mb_upload_to_the_import_page_gets_the_413_page(curator_client):
    upload = SimpleUploadedFile("papers.md", b"x" * (50 * MB))

    response = curator_client.post("/library/import/", {"file": upload})

    assert response.status_code == 413
    assert "the limit is 20 MB" in response.content.decode()
    assert not Reference.objects.exists()


def test_an_import_file_over_its_limit_gets_a_field_error(curator_client):
    assert settings.IDL_MAX_IMPORT_BYTES == 5 * MB < settings.IDL_MAX_UPLOAD_BYTES
    content = (PAPERS.encode() * (6 * MB // len(PAPERS.encode()) + 1))[: 6 * MB]

    response = curator_client.post("/library/import/", {"file": SimpleUploadedFile("papers.md", content)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file is 6 MB; the limit is 5 MB. "
        "A curator can import it with manage.py import_library or import_ideas."
    ]
    assert not Reference.objects.exists()


def test_the_limits_come_from_the_settings(member_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = MB // 2

    response = member_client.post(
        "/log/add/", big_form_body(MB // 2), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413 and "the limit is 0.5 MB" in response.content.decode()

"""The JSON endpoints behind the forms' preview, tag suggestions and "already in the library"."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_preview_renders_sanitized_markdown(member_client):
    response = member_client.post(reverse("preview"), {"text": "**bold** $x^2$ <script>alert(1)</script>"})
    html = response.json()["html"]
    assert "<strong>bold</strong>" in html and "<math" in html and "<script>" not in html


def test_preview_needs_login_post_csrf_and_a_sane_size(client, member):
    assert client.post(reverse("preview"), {"text": "x"}).status_code == 302
    client.force_login(member)
    assert client.get(reverse("preview")).status_code == 405
    assert client.post(reverse("preview"), {"text": "x" * 100_001}).status_code == 413
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(reverse("preview"), {"text": "x"}).status_code == 403


def test_tag_lookup_suggests_used_tags_by_prefix(member_client, make_reference):
    make_reference().tags.add("interpretability", "inference")
    make_reference().tags.add("interpretability")
    data = member_client.get(reverse("tag_lookup"), {"q": "in"}).json()
    assert data["results"] == [{"name": "interpretability", "uses": 2}, {"name": "inference", "uses": 1}]
    # Nothing typed yet (a filter's box has the focus): the most used tags.
    make_reference().tags.add("memory")
    everything = member_client.get(reverse("tag_lookup"), {"q": ""}).json()["results"]
    assert [tag["name"] for tag in everything] == ["interpretability", "inference", "memory"]


def test_url_lookup_says_when_a_link_is_known(member_client, make_reference):
    known = make_reference(title="Attention Is All You Need", url="https://arxiv.org/abs/1706.03762")
    data = member_client.get(reverse("library:lookup"), {"url": "http://arxiv.org/pdf/1706.03762v3"}).json()
    assert data["results"] == [
        {"id": known.pk, "title": known.title, "kind": "Paper", "icon": "📜", "url": known.get_absolute_url()}
    ]
    assert member_client.get(reverse("library:lookup"), {"url": "https://example.org/new"}).json() == {
        "results": []
    }


def test_forms_carry_the_enhancement_hooks(member_client):
    page = member_client.get(reverse("library:add")).content.decode()
    assert "data-markdown" in page and "data-tags" in page and "data-check-url" in page
    assert '<script src="/static/js/site.js" defer></script>' in page

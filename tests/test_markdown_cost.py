"""Markdown that costs Python-Markdown quadratic time is rendered or refused quickly, and no
write path renders while it holds a write lock (on SQLite, every other writer waits for it)."""

import time

import pytest
from django.db import connection
from django.urls import reverse

from benchmarks.markdown_corpus import pathological_inputs
from ideas.models import Comment
from library.models import TEXT_LIMIT, LogEntry, Reference
from tests.test_write_paths import form_on
from wiki import rendering
from wiki.models import Revision

CORPUS = pathological_inputs(TEXT_LIMIT)
# Generous: each took 10 s to over a minute before; a loaded CI machine must not make it flaky.
SECONDS = 5

NOTE_CHUNK = """## Reading notes: attention

We read [Attention Is All You Need](https://arxiv.org/abs/1706.03762) and *Towards Monosemanticity*,
with self-attention's cost $O(n^2 d)$ and $\\mathrm{softmax}(QK^T/\\sqrt{d})V$:

- multi-head attention splits `d_model` into heads
    - each head attends to a subspace
- positional encodings, see [the paper][aiayn]

| model | params | BLEU |
|---|---|---|
| big | 213M | 28.4 |

```python
def attention(q, k, v):
    return softmax(q @ k.T / sqrt(d)) @ v
```

> A quote with _emphasis_ and a ![figure](https://example.org/f.png); it cost $5 or $10.

[aiayn]: https://arxiv.org/abs/1706.03762

"""


@pytest.fixture(autouse=True)
def fresh_renders():
    """Each test renders for real: nothing remembered from an earlier one."""
    rendering._local.__dict__.pop("remembered", None)
    yield
    rendering._local.__dict__.pop("remembered", None)


def forget_renders():
    rendering._local.__dict__.pop("remembered", None)


def test_the_corpus_fits_the_limit_and_holds_the_issues_three():
    assert all(0 < len(text) <= TEXT_LIMIT for text in CORPUS.values())
    assert CORPUS["unclosed link destinations"].startswith("[a](" * 100)
    assert set(CORPUS["unclosed images"]) == {"!", "["}
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("name", CORPUS)
def test_pathological_markdown_through_the_comment_form_and_the_preview(name, member_client, make_idea):
    text = CORPUS[name]
    idea = make_idea()

    started = time.perf_counter()
    response = member_client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": text})
    assert time.perf_counter() - started < SECONDS
    if response.status_code == 302:  # rendered: saved with its HTML
        assert Comment.objects.get(idea=idea).body_html
    else:  # refused with the reason under the field, nothing saved
        assert response.status_code == 200
        assert response.context["form"].errors["body"][0] == rendering.TOO_COMPLEX_MESSAGE
        assert not Comment.objects.filter(idea=idea).exists()

    forget_renders()
    started = time.perf_counter()
    preview = member_client.post(reverse("preview"), {"text": text})
    assert time.perf_counter() - started < SECONDS
    assert preview.status_code == 200
    data = preview.json()
    assert data["html"]
    assert ("error" in data) == (response.status_code == 200)


def test_a_long_real_note_renders_whole_and_quickly():
    note = (NOTE_CHUNK * (TEXT_LIMIT // len(NOTE_CHUNK)))[:TEXT_LIMIT]
    started = time.perf_counter()
    html = rendering.render_markdown_or_refuse(note)
    assert time.perf_counter() - started < SECONDS
    assert html.count("<table>") >= 90 and html.count("<math") >= 180
    assert '<a href="https://arxiv.org/abs/1706.03762" rel="nofollow noopener">the paper</a>' in html


def test_too_complex_text_saved_elsewhere_shows_as_plain_text(member, make_idea):
    text = "[a](" * 10_000 + "\n\n<b>x</b>"
    comment = Comment.objects.create(idea=make_idea(), author=member, body=text)  # admin, imports
    assert comment.body_html.startswith("<p>[a]([a](")
    assert "&lt;b&gt;x&lt;/b&gt;</p>" in comment.body_html and "<b>" not in comment.body_html


def test_the_budget_decides_not_the_clock():
    text = CORPUS["link openers"]
    answers = set()
    for _ in range(2):
        forget_renders()
        try:
            answers.add(rendering.render_markdown_or_refuse(text))
        except rendering.MarkdownTooComplex:
            answers.add("refused")
    assert answers == {"refused"}


def test_deep_nesting_is_refused_not_a_server_error(member_client, make_idea):
    idea = make_idea()
    response = member_client.post(
        reverse("ideas:comment_add", args=[idea.slug]), {"body": CORPUS["nested list markers"]}
    )
    assert response.status_code == 200 and "too complex" in response.context["form"].errors["body"][0]


def test_unclosed_inline_math_stays_text_and_closed_math_still_renders():
    html = rendering.render_markdown("$a " * 2000 + "\n\nthen $x^2$ and $5 or $10")
    assert html.startswith("<p>$a $a")
    assert html.count("<math") == 1 and "$5 or $10" in html


# Rendering happens before the write transaction (a write lock on SQLite: BEGIN IMMEDIATE).


@pytest.fixture
def renders(monkeypatch):
    """Whether each real render ran inside a transaction."""
    seen = []
    real = rendering._render

    def spy(text):
        seen.append(connection.in_atomic_block)
        return real(text)

    monkeypatch.setattr(rendering, "_render", spy)
    return seen


@pytest.mark.django_db(transaction=True)
def test_site_forms_render_before_the_write_transaction(client, make_user, make_idea, make_comment, renders):
    member = make_user("writer")
    client.force_login(member)
    idea = make_idea()
    comment = make_comment(idea, member, body="old")
    reference = Reference.objects.create(title="A paper", url="https://example.org/p")
    entry = LogEntry.objects.create(reader=member, reference=reference, read_on="2024-09-25")
    renders.clear()

    assert (
        client.post(reverse("ideas:comment_add", args=[idea.slug]), {"body": "new *one*"}).status_code == 302
    )
    edit = reverse("ideas:comment_edit", args=[comment.pk])
    assert client.post(edit, {**form_on(client, edit, "body"), "body": "edited *one*"}).status_code == 302
    edit = reverse("library:edit", args=[reference.pk])
    assert client.post(edit, {**form_on(client, edit, "title"), "summary": "a *summary*"}).status_code == 302
    edit = reverse("library:log_edit", args=[entry.pk])
    assert client.post(edit, {**form_on(client, edit, "read_on"), "notes": "some *notes*"}).status_code == 302
    edit = reverse("ideas:edit", args=[idea.slug])
    assert client.post(edit, {**form_on(client, edit, "title"), "body": "a *body*"}).status_code == 302
    add = reverse("library:log_add")
    data = {**form_on(client, add, "read_on"), "title": "Another", "notes": "logged *notes*"}
    assert client.post(add, data).status_code == 302

    assert len(renders) >= 6 and not any(renders), renders
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>edited <em>one</em></p>"
    assert LogEntry.objects.get(pk=entry.pk).notes_html == "<p>some <em>notes</em></p>"


@pytest.mark.django_db(transaction=True)
def test_admin_restore_and_hiding_render_before_the_write_transaction(
    client, make_user, make_idea, make_comment, renders
):
    curator = make_user("boss", is_staff=True, is_superuser=True)
    client.force_login(curator)
    comment = make_comment(make_idea(), curator, body="first")
    page = reverse("admin:ideas_comment_change", args=[comment.pk])
    assert client.post(page, {**form_on(client, page, "body"), "body": "second *take*"}).status_code == 302
    revision = Revision.objects.filter(object_id=comment.pk, content_type__model="comment").first()
    assert client.post(reverse("wiki:history_restore", args=[revision.pk])).status_code == 302
    assert client.post(reverse("ideas:comment_hide", args=[comment.pk])).status_code == 302

    assert renders and not any(renders), renders
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>first</p>"


def test_a_refused_text_leaves_nothing_behind_for_the_next():
    for name in ("nested list markers", "link openers", "nested blockquotes"):
        with pytest.raises(rendering.MarkdownTooComplex):
            rendering.render_markdown_or_refuse(CORPUS[name])
        assert rendering.render_markdown("edited *one*") == "<p>edited <em>one</em></p>"
        forget_renders()

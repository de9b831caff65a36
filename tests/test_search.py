"""The search engine behaves the same on SQLite (FTS5) and PostgreSQL (tsvector): same tests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ideas.models import Comment
from library.services import merge_references
from wiki import search
from wiki.models import SearchDocument

pytestmark = pytest.mark.django_db


def found(text, kind=None):
    hits, _ = search.search(text, kind, limit=50)
    return [(hit.document.doc_type, hit.document.heading) for hit in hits]


def headings(text, kind=None):
    return [heading for _, heading in found(text, kind)]


def test_words_must_all_match_phrases_stay_together_and_the_last_word_may_be_unfinished(make_reference):
    make_reference(title="Sparse autoencoders find features", summary="Dictionary learning on activations.")
    make_reference(title="Autoencoders that are sparse by design")
    make_reference(title="Dense retrieval")

    assert set(headings("sparse autoencoders ")) == {
        "Sparse autoencoders find features",
        "Autoencoders that are sparse by design",
    }
    assert headings('"sparse autoencoders"') == ["Sparse autoencoders find features"]
    assert headings("dictionary activ") == ["Sparse autoencoders find features"]
    assert headings("autoenc") and not headings("autoenc ")  # a finished word must match whole
    assert headings("sparse retrieval ") == []


def test_title_matches_rank_above_body_matches_and_newer_above_older(make_reference, make_idea):
    body_only = make_reference(title="A survey of memory", summary="Mentions transformers once.")
    in_title = make_reference(title="Transformers explained")
    assert headings("transformers ")[:2] == ["Transformers explained", "A survey of memory"]

    old = make_idea(title="Mixture of experts routing")
    new = make_idea(title="Mixture of experts routing")  # equal rank: the newer one first
    ideas = [hit.document.object_id for hit in search.search("mixture experts ", "idea")[0]]
    assert ideas == [new.pk, old.pk]
    assert body_only.pk != in_title.pk


def test_results_span_every_kind_and_filter_by_type(
    member, make_reference, make_entry, make_idea, make_comment
):
    reference = make_reference(title="Titans: neural memory at test time")
    make_entry(member, reference, notes="Neural memory at test time.")
    idea = make_idea(title="Reproduce Titans memory", body="Small scale first.")
    make_comment(idea, member, body="Memory module from the paper?")

    assert {kind for kind, _ in found("memory ")} == {"reference", "log", "idea", "comment"}
    assert found("memory ", "comment") == [("comment", "member on “Reproduce Titans memory”")]
    assert search.count("memory ") == 4 and search.count("memory ", "idea") == 1


def test_snippets_highlight_matches_and_escape_everything_else(make_reference):
    make_reference(title="Safe", summary="Sinks: `<script>alert(1)</script>` attention")

    hit = search.search("attention ")[0][0]

    assert "<mark>attention</mark>" in hit.snippet
    # Only <mark> is markup: the text's own tags are escaped (SQLite) or dropped (PostgreSQL).
    assert "<script" not in hit.snippet and "alert(1)" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_the_index_follows_every_kind_of_write(
    member, curator, make_reference, make_idea, make_comment, tmp_path
):
    reference = make_reference(title="Denoising diffusion")
    assert headings("diffusion ") == ["Denoising diffusion"]

    reference.title = "Score-based generative modelling"
    reference.save()
    assert headings("diffusion ") == [] and headings("generative ") == ["Score-based generative modelling"]

    duplicate = make_reference(title="Score matching notes", url="https://example.org/score")
    merge_references(reference, [duplicate])
    assert headings("matching ") == []

    idea = make_idea(title="Flow matching")
    comment = make_comment(idea, member, body="Try rectified flows.")
    assert headings("rectified ") == ["member on “Flow matching”"]
    comment.is_hidden = True
    comment.save()
    assert headings("rectified ") == []
    idea.delete()
    assert headings("flow ") == []

    log = tmp_path / "log.md"
    log.write_text(
        "Legend:\n- 📜: papers\n\n01/02/2025\n- 📜[Consistency models](https://arxiv.org/abs/2303.01469)\n    - one-step sampling\n"
    )
    call_command("import_library", str(log), "--reader", member.username, stdout=StringIO())
    assert set(headings("consistency ")) == {
        "Consistency models",
        "member read “Consistency models” on Jan 2, 2025",
    }

    reference.delete()
    assert headings("generative ") == []


def test_admin_hide_action_removes_comments_from_search(curator_client, member, make_idea, make_comment):
    comment = make_comment(make_idea(title="Quantization"), member, body="FP8 everywhere")

    curator_client.post(
        reverse("admin:ideas_comment_changelist"), {"action": "hide", "_selected_action": [comment.pk]}
    )

    assert Comment.objects.get(pk=comment.pk).is_hidden
    assert headings("fp8 ") == []


def test_rebuild_recreates_the_index(member, make_reference, make_entry):
    make_entry(member, make_reference(title="Mamba"), notes="Selective scan.")
    SearchDocument.objects.all().delete()
    assert headings("mamba ") == []

    out = StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert set(headings("mamba ")) == {"Mamba", "member read “Mamba” on Sep 25, 2024"}
    assert "Indexed 2 documents" in out.getvalue()


def test_search_page(member_client, make_reference, django_assert_max_num_queries):
    for n in range(25):
        make_reference(title=f"Attention variant {n}", summary="Which heads does attention use?")

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("search"), {"q": "attention", "type": "reference"})
    page = response.content.decode()
    assert "25 results" in page and page.count('class="result-type"') == 20
    assert "heads does <mark>attention</mark> use" in page
    second = member_client.get(reverse("search"), {"q": "attention", "type": "reference", "page": 2})
    assert second.content.decode().count('class="result-type"') == 5

    empty = member_client.get(reverse("search"), {"q": "zzzz"})
    assert "Nothing matches “zzzz”" in empty.content.decode()
    odd = member_client.get(reverse("search"), {"q": '"unclosed (phrase* OR NOT', "page": "x"})
    assert odd.status_code == 200


def test_search_follows_the_read_rules(client, settings):
    assert client.get(reverse("search"), {"q": "x"})["Location"].startswith("/accounts/login/")
    settings.IDL_PUBLIC_READ = True
    assert client.get(reverse("search"), {"q": "x"}).status_code == 200


def test_library_and_ideas_text_filters_use_the_engine(member_client, make_reference, make_idea):
    make_reference(title="Grokking", summary="Delayed generalization.")
    make_reference(title="Scaling laws")
    make_idea(title="Grokking in modular arithmetic")

    library = member_client.get(reverse("library:list"), {"q": "generaliz"}).context["page"].object_list
    ideas = member_client.get(reverse("ideas:list"), {"q": "modular"}).context["page"].object_list

    assert [r.title for r in library] == ["Grokking"]
    assert [i.title for i in ideas] == ["Grokking in modular arithmetic"]


def test_pages_run_on_from_title_matches_into_body_matches(make_reference):
    for n in range(3):
        make_reference(title=f"Routing study {n}")
    for n in range(4):
        make_reference(title=f"Unrelated {n}", summary="Mentions routing routing routing in passing.")

    first, more = search.search("routing ", "reference", offset=0, limit=5)
    second, last = search.search("routing ", "reference", offset=5, limit=5)

    assert [hit.document.heading for hit in first][:3] == [
        "Routing study 2",
        "Routing study 1",
        "Routing study 0",
    ]
    assert [hit.document.heading for hit in first][3:] != [] and more and not last
    assert len(second) == 2
    assert {h.document.heading for h in first + second} == {
        *(f"Routing study {n}" for n in range(3)),
        *(f"Unrelated {n}" for n in range(4)),
    }


def test_a_very_common_word_ranks_only_its_newest_matches(make_reference, monkeypatch):
    from wiki.fulltext import FullText

    for n in range(6):
        make_reference(title=f"Attention paper {n}", summary="attention " * (6 - n))
    make_reference(title="Unrelated", summary="it pays attention in the body only")
    monkeypatch.setattr(FullText, "RANK_WINDOW", 3)
    titles = headings("attention ")
    # The title tier ranks the three newest title matches; the body-only match follows them.
    assert sorted(titles[:3]) == ["Attention paper 3", "Attention paper 4", "Attention paper 5"]
    assert titles[3:] == ["Unrelated"]
    monkeypatch.setattr(FullText, "RANK_WINDOW", 1000)
    assert len(headings("attention ")) == 7


def test_a_kept_window_shows_new_matches_and_is_found_again_when_deletions_empty_it(
    make_reference, monkeypatch, django_assert_num_queries
):
    from wiki import changes
    from wiki.fulltext import FullText

    def top_two():
        hits, more = search.search("attention", limit=2)
        return [hit.document.heading for hit in hits], more

    papers = [make_reference(title=f"Attention paper {n}") for n in range(6)]
    monkeypatch.setattr(FullText, "RANK_WINDOW", 3)
    assert top_two() == (["Attention paper 5", "Attention paper 4"], True)
    # The window's start is kept (no query finds it again), and a new match, newer than it,
    # is ranked at once.
    make_reference(title="Attention paper 6")
    with django_assert_num_queries(2):  # the ranked ids, then their documents
        assert top_two() == (["Attention paper 6", "Attention paper 5"], True)
    # Deleting the window's matches leaves the kept window short: it is found again.
    for paper in papers[3:]:
        changes.delete(paper, user=None)
    assert top_two() == (["Attention paper 6", "Attention paper 2"], True)


def test_snippets_show_the_body_around_the_first_match_with_every_match_marked():
    query = search.Query.parse("spärse auto")
    text = " ".join(f"word{n}" for n in range(30)) + " Sparse autoencoders find sparse features."
    snippet = search.snippet(text, query)
    assert snippet.startswith("…")
    assert "\x02Sparse\x03 \x02autoencoders\x03 find \x02sparse\x03 features." in snippet
    assert search.snippet("a body with no match", search.Query.parse("zebra")) == "a body with no match"


def test_counts_stop_at_the_limit_and_count_body_matches_when_titles_are_few(make_reference, monkeypatch):
    for n in range(3):
        make_reference(title=f"Attention paper {n}")
    make_reference(title="Unrelated", summary="it pays attention in the body only")
    assert search.count("attention") == 4  # three in titles: the body's match counts too
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    assert search.count("attention") == 3  # "2+": the titles alone reach the limit
    assert search.count("attention", "reference") == 3
    assert search.count("pays attention") == 1


def test_postgresql_search_indexes_keep_a_short_pending_list():
    """Every write lands in a GIN index's pending list, read in full by every search until it is
    merged: the search indexes merge theirs at 256 kB (migration library 0019), not at 4 MB."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes are PostgreSQL's; SQLite's FTS5 merges as it writes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('library_search_vector', 'library_search_title_vector')"
        )
        options = dict(cursor.fetchall())
    assert options == {
        "library_search_vector": ["gin_pending_list_limit=256"],
        "library_search_title_vector": ["gin_pending_list_limit=256"],
    }

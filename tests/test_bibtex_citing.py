"""BibTeX worth citing from: keys, entry types, fields, and a varied library that re-parses."""

import re
from datetime import date

import bibtexparser
import pytest
from django.core.management import call_command

from library.bibtex import _encoder as encoder
from library.bibtex import _suffix, base_key, citation_keys, title_latex, to_bibtex
from library.models import Kind, Reference

KEY = re.compile(r"[a-z]+(?:\d{4}|nd)[a-z]*")


def ref(pk=None, **fields):
    values = {
        "kind": Kind.PAPER,
        "title": "Untitled",
        "url": "",
        "authors": "",
        "venue": "",
        "published": None,
    }
    return Reference(pk=pk, **(values | fields))


def entry_of(reference):
    parsed = bibtexparser.parse_string(to_bibtex([reference]))
    assert not parsed.failed_blocks and len(parsed.entries) == 1
    return parsed.entries[0]


@pytest.mark.parametrize(
    "fields, key",
    [
        (
            {
                "authors": "Ashish Vaswani*, Noam Shazeer*",
                "published": date(2017, 6, 12),
                "title": "Attention Is All You Need",
            },
            "vaswani2017attention",
        ),
        (
            {
                "authors": "Trenton Bricken*, …",
                "published": date(2023, 10, 4),
                "title": "Towards Monosemanticity: Decomposing",
            },
            "bricken2023monosemanticity",
        ),
        ({"authors": "Jan Łukasiewicz", "title": "On the $O(n)$ Theory of Logic"}, "lukasiewiczndtheory"),
        (
            {"authors": "Grant Sanderson (3Blue1Brown)", "title": "But what is a neural network?"},
            "sandersonndneural",
        ),
        (
            {"authors": "Martin Luther King Jr.", "published": date(1963, 8, 28), "title": "A Dream"},
            "king1963dream",
        ),
        ({"title": "My first FNN"}, "anonndfirst"),
        ({"title": "🔥 $x$"}, "anonnd"),
        ({"authors": "张三", "title": "深度学习"}, "anonnd"),
        (
            {
                "authors": "DeepSeek-AI",
                "title": "DeepSeek-V3 Technical Report",
                "published": date(2024, 12, 27),
            },
            "deepseekai2024deepseek",
        ),
    ],
)
def test_keys_from_author_year_and_first_significant_title_word(fields, key):
    assert base_key(ref(**fields)) == key
    assert KEY.fullmatch(key)


def test_duplicate_keys_get_letters_in_id_order_whatever_the_export_order():
    same = {"authors": "Ian Goodfellow", "published": date(2016, 1, 1), "title": "Deep Learning"}
    first, second, third = ref(5, **same), ref(9, **same), ref(7, **same)
    assert citation_keys([second, third, first]) == [
        "goodfellow2016deepb",
        "goodfellow2016deepa",
        "goodfellow2016deep",
    ]
    assert citation_keys([first, second]) == ["goodfellow2016deep", "goodfellow2016deepa"]
    # A suffixed key taken by another reference's plain key moves on to the next letter.
    deepa = ref(1, authors="Ian Goodfellow", published=date(2016, 1, 1), title="Deepa")
    assert citation_keys([first, second, deepa]) == [
        "goodfellow2016deep",
        "goodfellow2016deepb",
        "goodfellow2016deepa",
    ]
    assert [_suffix(n) for n in (1, 26, 27, 52, 703)] == ["a", "z", "aa", "az", "aaa"]
    many = citation_keys([ref(n, **same) for n in range(1, 60)])
    assert len(set(many)) == 59 and all(KEY.fullmatch(k) for k in many)


@pytest.mark.parametrize(
    "venue, entry_type, field",
    [
        ("NeurIPS 2017", "inproceedings", "booktitle"),
        (
            "31st Conference on Neural Information Processing Systems (NIPS 2017)",
            "inproceedings",
            "booktitle",
        ),
        ("Proceedings of the 40th ICML", "inproceedings", "booktitle"),
        ("ICLR", "inproceedings", "booktitle"),
        ("Findings of EMNLP 2023", "inproceedings", "booktitle"),
        ("NeurIPS Workshop on Attributing Model Behavior", "inproceedings", "booktitle"),
        ("Nature", "article", "journal"),
        ("Journal of Machine Learning Research", "article", "journal"),
        ("TMLR", "article", "journal"),
    ],
)
def test_paper_entry_types_follow_the_venue(venue, entry_type, field):
    entry = entry_of(ref(1, title="X", venue=venue, url="https://arxiv.org/abs/1706.03762v7"))
    assert entry.entry_type == entry_type
    assert entry[field] == re.sub(r"([&%#])", r"\\\1", venue)
    assert entry["eprint"] == "1706.03762" and entry["archivePrefix"] == "arXiv"
    assert "primaryClass" not in entry.fields_dict


@pytest.mark.parametrize("venue", ["", "arXiv", "arXiv preprint arXiv:1706.03762", "CoRR"])
def test_an_arxiv_preprint_is_misc_with_eprint(venue):
    entry = entry_of(ref(1, title="X", venue=venue, url="https://arxiv.org/pdf/1706.03762v5"))
    assert entry.entry_type == "misc"
    assert entry["eprint"] == "1706.03762" and entry["archivePrefix"] == "arXiv"
    assert entry["url"] == "https://arxiv.org/pdf/1706.03762v5"
    assert not {"journal", "booktitle", "howpublished", "note"} & set(entry.fields_dict)


def test_doi_links_books_and_other_kinds():
    paper = entry_of(
        ref(
            1,
            title="Deep learning",
            url="https://doi.org/10.1038/nature14539",
            venue="Nature",
            authors="Yann LeCun, Yoshua Bengio, Geoffrey Hinton",
            published=date(2015, 5, 27),
        )
    )
    assert paper.entry_type == "article" and paper["journal"] == "Nature"
    assert paper["doi"] == "10.1038/nature14539" and paper["url"] == "https://doi.org/10.1038/nature14539"
    assert paper["month"] == "may" and paper["year"] == "2015"
    encoded = entry_of(ref(1, title="X", url="https://dx.doi.org/10.1000/a%3Cb%3E{c}"))
    assert encoded["doi"] == "10.1000/a<b>%7Bc%7D"

    book = entry_of(
        ref(
            1,
            kind=Kind.BOOK,
            title="Deep Learning",
            venue="MIT Press",
            url="https://www.deeplearningbook.org/",
        )
    )
    assert (
        book.entry_type == "book"
        and book["publisher"] == "MIT Press"
        and "howpublished" not in book.fields_dict
    )
    assert entry_of(ref(1, kind=Kind.BOOK, title="B", affiliation="O'Reilly"))["publisher"] == "O'Reilly"

    for kind, note in [
        (Kind.POST, "Blog post"),
        (Kind.CODE, "Code"),
        (Kind.VIDEO, "Video"),
        (Kind.RESOURCE, "Online resource"),
    ]:
        entry = entry_of(ref(1, kind=kind, title="T", url="https://example.org/t", venue="NeurIPS 2020"))
        assert entry.entry_type == "misc" and entry["note"] == f"{note}, NeurIPS 2020"
        assert (
            entry["howpublished"] == r"\url{https://example.org/t}"
            and entry["url"] == "https://example.org/t"
        )
    local = entry_of(ref(1, kind=Kind.CODE, title="T", url="./projects/fnn"))
    assert not {"url", "howpublished"} & set(local.fields_dict)


def test_month_is_an_unquoted_macro():
    text = to_bibtex([ref(1, title="T", published=date(2024, 9, 3))])
    assert "\tmonth = sep\n" in text and "year = {2024}" in text


@pytest.mark.parametrize(
    "title, latex",
    [
        ("Attention Is All You Need", "Attention Is All You Need"),
        (
            "BERT: Pre-training of Deep Bidirectional Transformers",
            "{BERT}: Pre-training of Deep Bidirectional Transformers",
        ),
        ("Deep Residual Learning (ResNet) on ImageNet", "Deep Residual Learning ({ResNet}) on {ImageNet}"),
        ("GPT-2 and DeepSeek-V3 in 3D", "{GPT-2} and {DeepSeek-V3} in {3D}"),
        ("Low-Rank Adaptation, a Study", "Low-Rank Adaptation, a Study"),
        ("LoRA: $O(n)$ memory", "{LoRA}: $O(n)$ memory"),
        ("Attention $QK^T$ & 100% #1 {GPT}", r"Attention $QK^T$ \& 100\% {\#}1 \{{GPT}\}"),
        ("Costs $5 for NLP", r"Costs \$5 for {NLP}"),
        ("ÉCOLE and Łódź", r"{\'ECOLE} and {\L}\'od\'z"),
        ("See https://example.org/BERT now", r"See \url{https://example.org/BERT} now"),
    ],
)
def test_titles_protect_acronyms_and_mixed_case_words(title, latex):
    assert title_latex(title, encoder(math=False)) == latex.replace("{\\#}", "\\#")


VARIED = [
    {
        "kind": Kind.PAPER,
        "title": "Attention Is All You Need",
        "url": "https://arxiv.org/abs/1706.03762",
        "authors": "Ashish Vaswani*, Noam Shazeer*, Łukasz Kaiser*",
        "published": date(2017, 6, 12),
        "venue": "NeurIPS 2017",
    },
    {
        "kind": Kind.PAPER,
        "title": "Attention is all you need (v2)",
        "url": "https://arxiv.org/abs/1706.03763",
        "authors": "Ashish Vaswani and Someone Else",
        "published": date(2017, 6, 13),
    },
    {
        "kind": Kind.PAPER,
        "title": "Deep learning",
        "url": "https://doi.org/10.1038/nature14539",
        "authors": "Yann LeCun, Yoshua Bengio, Geoffrey Hinton",
        "published": date(2015, 5, 27),
        "venue": "Nature",
    },
    {
        "kind": Kind.PAPER,
        "title": "BERT: Pre-training of Deep Bidirectional Transformers",
        "url": "https://aclanthology.org/N19-1423/",
        "authors": "Jacob Devlin, Ming-Wei Chang",
        "published": date(2019, 6, 2),
        "venue": "Proceedings of NAACL-HLT 2019",
    },
    {
        "kind": Kind.PAPER,
        "title": "Linear attention in $O(n)$ time, costs $5 & 100% of {it} #1 🔥",
        "url": "https://example.org/linear?a=1&b=%20",
        "authors": "Zoë Ünal, Ørjan Ås",
        "published": date(2020, 2, 29),
    },
    {
        "kind": Kind.PAPER,
        "title": "Only $ one dollar and a } brace",
        "url": "https://example.org/brace",
        "authors": "…",
        "published": None,
    },
    {
        "kind": Kind.BOOK,
        "title": "Deep Learning",
        "url": "https://www.deeplearningbook.org/",
        "authors": "Ian Goodfellow, Yoshua Bengio, Aaron Courville",
        "published": date(2016, 11, 18),
        "venue": "MIT Press",
    },
    {
        "kind": Kind.POST,
        "title": "The Illustrated Transformer",
        "url": "https://jalammar.github.io/illustrated-transformer/",
        "authors": "Jay Alammar",
        "published": date(2018, 6, 27),
    },
    {
        "kind": Kind.CODE,
        "title": "nanoGPT",
        "url": "https://github.com/karpathy/nanoGPT",
        "authors": "Andrej Karpathy",
    },
    {"kind": Kind.CODE, "title": "Feedforward net from scratch", "url": "./projects/fnn"},
    {
        "kind": Kind.VIDEO,
        "title": "Let's build GPT: from scratch",
        "url": "https://www.youtube.com/watch?v=kCc8FmEb1nY",
        "authors": "Andrej Karpathy",
        "published": date(2023, 1, 17),
    },
    {
        "kind": Kind.VIDEO,
        "title": "Let's build GPT: from scratch, again",
        "url": "https://www.youtube.com/watch?v=x",
        "authors": "Andrej Karpathy",
        "published": date(2023, 1, 18),
    },
    {"kind": Kind.RESOURCE, "title": "深度学习 课程", "url": "https://example.cn/dl", "authors": "张三"},
]


def assert_reparses(text, count):
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    keys = [entry.key for entry in parsed.entries]
    assert len(keys) == count == len(set(keys))
    assert all(KEY.fullmatch(key) for key in keys), keys
    return {entry.key: entry for entry in parsed.entries}


@pytest.mark.django_db
def test_a_varied_library_reparses_with_unique_keys_and_its_fields():
    for fields in VARIED:
        Reference.objects.create(**fields)
    text = to_bibtex(Reference.objects.all())
    entries = assert_reparses(text, len(VARIED))

    attention = entries["vaswani2017attention"]
    assert attention.entry_type == "inproceedings" and attention["booktitle"] == "NeurIPS 2017"
    assert attention["author"] == r"Ashish Vaswani and Noam Shazeer and {\L}ukasz Kaiser"
    assert entries["vaswani2017attentiona"].entry_type == "misc"
    assert entries["lecun2015deep"]["doi"] == "10.1038/nature14539"
    assert entries["devlin2019bert"].entry_type == "inproceedings"
    assert entries["devlin2019bert"]["title"].startswith("{BERT}:")
    linear = entries["unal2020linear"]
    assert linear["title"] == r"Linear attention in $O(n)$ time, costs \$5 \& 100\% of \{it\} \#1 🔥"
    assert linear["author"] == r"Zo\"e \"Unal and {\O}rjan \r{A}s"
    assert linear["month"] == "feb" and linear["url"] == "https://example.org/linear?a=1&b=%20"
    assert entries["anonndonly"]["title"] == r"Only \$ one dollar and a \} brace"
    assert "author" not in entries["anonndonly"].fields_dict  # "…" alone names nobody
    assert entries["goodfellow2016deep"].entry_type == "book"
    assert entries["karpathy2023build"]["title"] == "Let's build {GPT}: from scratch"
    assert "karpathy2023builda" in entries and "karpathyndnanogpt" in entries
    assert entries["anonndfeedforward"].fields_dict.keys() == {"title", "note"}
    assert entries["anonnd"]["note"] == "Online resource"
    # Re-exporting in another order keeps every key.
    again = assert_reparses(to_bibtex(Reference.objects.order_by("title")), len(VARIED))
    assert {k: e["title"] for k, e in again.items()} == {k: e["title"] for k, e in entries.items()}


@pytest.mark.django_db
def test_the_demo_library_reparses_with_unique_keys():
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    references = Reference.objects.all()
    entries = assert_reparses(to_bibtex(references), references.count())
    assert entries["vaswani2017attention"].entry_type == "inproceedings"
    assert entries["he2015deep"]["booktitle"] == "CVPR 2016"
    assert entries["gu2023mamba"].entry_type == "misc" and entries["gu2023mamba"]["eprint"] == "2312.00752"
    assert entries["goodfellow2016deep"].entry_type == "book"
    assert entries["hu2021lora"]["title"].startswith("{LoRA}:")
    assert entries["brown2020language"]["author"].endswith(" and others")

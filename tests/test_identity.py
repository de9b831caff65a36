import pytest

from library.identity import arxiv_id, identity_key, normalize_title, normalize_url


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/abs/1706.03762v7",
        "http://arxiv.org/pdf/1706.03762v5",
        "https://arxiv.org/pdf/1706.03762.pdf",
        "https://www.arxiv.org/html/1706.03762v2/",
        "https://arxiv.org/abs/1706.03762#section",
    ],
)
def test_arxiv_id_ignores_form_version_and_scheme(url):
    assert arxiv_id(url) == "1706.03762"


def test_arxiv_old_style_ids_and_non_arxiv_urls():
    assert arxiv_id("https://arxiv.org/abs/hep-th/9901001v2") == "hep-th/9901001"
    assert arxiv_id("https://example.org/abs/1706.03762") is None
    assert arxiv_id("") is None


def test_truncated_arxiv_id_is_its_own_identity():
    # The team's log links arxiv.org/pdf/1706.0376, one digit short: only the title can match it.
    # Since 2015 arXiv numbers have five digits, so this is a plain url, not an arXiv id.
    assert identity_key("https://arxiv.org/pdf/1706.0376") == "arxiv.org/pdf/1706.0376"
    assert arxiv_id("https://arxiv.org/abs/0704.0001") == "0704.0001"
    assert identity_key("https://arxiv.org/pdf/1706.0376") != identity_key("https://arxiv.org/abs/1706.03762")


def test_normalize_url_drops_noise_but_keeps_meaning():
    base = normalize_url("https://distill.pub/2020/circuits/zoom-in/")
    assert base == "distill.pub/2020/circuits/zoom-in"
    assert normalize_url("http://www.Distill.pub/2020/circuits/zoom-in#figure") == base
    assert normalize_url("https://distill.pub/2020/circuits/zoom-in?utm_source=x") == base
    assert normalize_url("https://example.org/a?b=2&a=1") == normalize_url("https://example.org/a?a=1&b=2")
    assert normalize_url("https://example.org/a?id=1") != normalize_url("https://example.org/a?id=2")


def test_relative_paths_and_brackets_survive():
    assert normalize_url("./projects/fnn") == normalize_url("projects/fnn/") == "path:projects/fnn"
    url = "https://arena3-chapter1-transformer-interp.streamlit.app/[1.3]_Indirect_Object_Identification"
    assert "[1.3]_Indirect_Object_Identification" in normalize_url(url)
    assert normalize_url("") == identity_key("") == ""


def test_normalize_title():
    assert normalize_title("Attention Is All You Need") == normalize_title("attention is all you need.")
    assert normalize_title("Łukasz’s  Café: Notes") == normalize_title("łukasz s cafe notes")
    assert normalize_title("QuIP#: Even Better") != normalize_title("QuIP: 2-Bit")

"""Recorded answers of the metadata sources, served by the stub server in tests/test_metadata.py.

The arXiv feed follows the export API's documented format
(https://info.arxiv.org/help/api/user-manual.html, "Details of Atom Results Returned").
"""

import json

ATOM_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D{id}%26start%3D0%26max_results%3D10" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list={id}&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2024-01-01T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">10</opensearch:itemsPerPage>
"""

ATTENTION = (
    ATOM_HEAD.format(id="1706.03762", total=1)
    + """  <entry>
    <id>http://arxiv.org/abs/1706.03762v7</id>
    <updated>2023-08-02T00:41:18Z</updated>
    <published>2017-06-12T17:57:34Z</published>
    <title>Attention Is All
  You Need</title>
    <summary>  The dominant sequence transduction models are based on complex recurrent or
convolutional neural networks in an encoder-decoder configuration.

We propose a new simple network architecture, the Transformer.
</summary>
    <author>
      <name>Ashish Vaswani</name>
    </author>
    <author>
      <name>Noam Shazeer</name>
    </author>
    <author>
      <name>Niki Parmar</name>
    </author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">15 pages, 5 figures</arxiv:comment>
    <link href="http://arxiv.org/abs/1706.03762v7" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/1706.03762v7" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""
)

HALOGEN = (
    ATOM_HEAD.format(id="2501.08292", total=1)
    + """  <entry>
    <id>http://arxiv.org/abs/2501.08292v1</id>
    <published>2025-01-14T18:13:08Z</published>
    <title>HALoGEN: Fantastic LLM Hallucinations and Where to Find Them</title>
    <summary>Generative large language models produce impressive text.</summary>
    <author><name>Abhilasha Ravichander</name></author>
    <author><name>Shrusti Ghela</name></author>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">ACL 2025</arxiv:journal_ref>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""
)

# What arXiv answers for an id it does not know (an entry titled "Error").
ARXIV_ERROR = (
    ATOM_HEAD.format(id="2401.99999", total=1)
    + """  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_2401.99999</id>
    <title>Error</title>
    <summary>incorrect id format for 2401.99999</summary>
    <updated>2024-01-01T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_2401.99999" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""
)

ARXIV_EMPTY = ATOM_HEAD.format(id="2402.99999", total=0) + "</feed>\n"

ARXIV_MALFORMED = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Broken'

NATURE = json.dumps(
    {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": {
            "DOI": "10.1038/nature14539",
            "type": "journal-article",
            "title": ["Deep learning"],
            "author": [
                {"given": "Yann", "family": "LeCun", "sequence": "first"},
                {"given": "Yoshua", "family": "Bengio", "sequence": "additional"},
                {"given": "Geoffrey", "family": "Hinton", "sequence": "additional"},
            ],
            "container-title": ["Nature"],
            "published-print": {"date-parts": [[2015, 5, 28]]},
            "published-online": {"date-parts": [[2015, 5, 27]]},
            "issued": {"date-parts": [[2015, 5, 27]]},
            "abstract": "<jats:p>Deep learning allows computational models.</jats:p>",
        },
    }
)

HIGHWIRE = """<!doctype html><html><head><meta charset="utf-8">
<title>ignored site title</title>
<meta name="citation_title" content="Neural Machine Translation by Jointly Learning to Align">
<meta name="citation_author" content="Bahdanau, Dzmitry">
<meta name="citation_author" content="Cho, Kyunghyun">
<meta name="citation_author" content="Yoshua Bengio">
<meta name="citation_publication_date" content="2015/05/07">
<meta name="citation_conference_title" content="ICLR 2015">
<meta property="og:title" content="Not this one">
</head><body><p>Hello</p></body></html>
"""

OPENGRAPH = """<html><head>
<meta property="og:title" content="The Illustrated Transformer &amp; more">
<meta property="og:description" content="Visualizing machine learning one concept at a time.">
<meta property="article:published_time" content="2018-06-27T10:00:00+00:00">
<meta name="author" content="Jay Alammar">
</head><body></body></html>
"""

TITLE_ONLY = "<html><head><title>\n  Just a   title\n</title></head><body>x</body></html>"

NO_TITLE = "<html><head></head><body><p>Nothing to name it by</p></body></html>"

LATIN1 = "<html><head><title>Caf\u00e9 notes</title></head></html>"

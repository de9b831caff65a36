import datetime
from dataclasses import dataclass, field


@dataclass
class Metadata:
    url: str  # the canonical link: https://arxiv.org/abs/<id>, https://doi.org/<doi>, or the page's
    title: str = ""
    authors: str = ""  # "Ashish Vaswani, Noam Shazeer, ..." as one string
    published: datetime.date | None = None
    venue: str = ""
    summary: str = ""  # plain text / markdown
    kind: str = ""  # a library.models.Kind value or ""
    tags: list[str] = field(default_factory=list)  # suggestions, e.g. the arXiv category "cs.CL"
    source: str = ""  # "arxiv" | "crossref" | "page"

    @property
    def source_name(self):
        return {"arxiv": "arXiv", "crossref": "Crossref", "page": "the page"}.get(self.source, self.source)

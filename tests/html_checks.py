"""What a browser would execute in a piece of HTML: the yardstick of the sanitizing tests."""

import re
from html.parser import HTMLParser

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "svg",
    "form",
    "input",
    "link",
    "meta",
    "base",
}
DANGEROUS_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class ExecutableFinder(HTMLParser):
    def __init__(self, allowed_tags=(), site_scripts=False):
        super().__init__()
        self.allowed_tags = set(allowed_tags)
        self.site_scripts = site_scripts
        self.found = []

    def handle_starttag(self, tag, attrs):
        if self.site_scripts and tag == "script" and (dict(attrs).get("src") or "").startswith("/static/"):
            return  # the site's own external scripts; inline ones are still reported
        if tag in DANGEROUS_TAGS - self.allowed_tags:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and DANGEROUS_SCHEMES.match(value or ""):
                self.found.append(f"{tag}[{name}={value}]")


def executable_parts(html, allowed_tags=(), site_scripts=False):
    """Dangerous elements, event handlers and script urls in html; [] when it is safe."""
    finder = ExecutableFinder(allowed_tags, site_scripts)
    finder.feed(html)
    return finder.found

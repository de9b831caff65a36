"""What a browser would execute in a piece of HTML: the yardstick of the sanitizing tests.

Strict: URLs of the http, https and mailto schemes and relative ones only, read the way a
browser's URL parser reads them, and no style attribute at all.
"""

import re
from html.parser import HTMLParser

# Elements that run script, load active content, change where links go, or parse their content
# in a way a sanitizer can be confused by (mutation XSS).
FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "form", "input",
    "button", "isindex", "base", "meta", "link", "style", "svg", "foreignobject", "animate",
    "animatemotion", "animatetransform", "set", "template", "noscript", "xmp", "noembed",
    "noframes", "plaintext", "title", "textarea", "annotation-xml", "maction", "portal", "xml",
    "bgsound",
}  # fmt: skip
# Attributes a browser resolves as a URL (srcset as a list of them).
URL_ATTRIBUTES = {
    "href", "src", "xlink:href", "action", "formaction", "srcset", "background", "poster", "data",
    "codebase", "cite", "dynsrc", "lowsrc", "longdesc", "usemap", "ping", "manifest", "icon",
    "profile", "classid", "archive", "code", "values", "to", "from", "by", "content",
}  # fmt: skip
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# What the WHATWG URL parser ignores: C0 controls and spaces at the ends, tabs and newlines anywhere.
_URL_ENDS = "".join(map(chr, range(0x21)))
_URL_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(value):
    """The scheme a browser would see in an attribute value (already HTML-decoded), or None."""
    url = _URL_INSIDE.sub("", value.strip(_URL_ENDS)).lower()
    match = _SCHEME.match(url)
    return match.group(1) if match else None


def urls_in(name, value):
    if name == "srcset":  # "a.png 1x, b.png 2x"
        return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
    if name in {"values", "content"}:  # SVG animation's "a;b", a meta refresh's "0;url=…"
        return re.split(r"[;=]", value)
    return [value]


def attribute_problems(tag, name, value):
    value = value or ""
    if name.startswith("on") or name in {"style", "srcdoc", "http-equiv"}:
        return [f"{tag}[{name}]"]
    if name in URL_ATTRIBUTES and any(
        url_scheme(url) not in ALLOWED_SCHEMES | {None} for url in urls_in(name, value)
    ):
        return [f"{tag}[{name}={value}]"]
    return []


class XssFinder(HTMLParser):
    """Reports forbidden elements, event handlers, style attributes and non-http(s) URLs.

    Attribute values reach us decoded once, as a browser decodes them; they are not decoded again,
    because `&amp;#106;avascript:` is a harmless relative URL to a browser too. A page's own
    markup may be let through: `allowed_tags` (its forms, head, heatmap svg) and, with
    `site_scripts`, its external scripts under /static/ (never an inline one).
    """

    def __init__(self, allowed_tags=(), site_scripts=False):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = set(allowed_tags)
        self.site_scripts = site_scripts
        self.found = []

    def handle_starttag(self, tag, attrs):
        if self.site_scripts and tag == "script" and (dict(attrs).get("src") or "").startswith("/static/"):
            return
        if tag in FORBIDDEN_ELEMENTS - self.allowed_tags:
            self.found.append(tag)
        for name, value in attrs:
            self.found.extend(attribute_problems(tag, name, value))


def xss_findings(html, allowed_tags=(), site_scripts=False):
    """What in html a browser could execute; [] when it is inert."""
    finder = XssFinder(allowed_tags, site_scripts)
    finder.feed(html)
    finder.close()
    return finder.found


# The name the page and rendering tests know it by.
executable_parts = xss_findings

# What the site's own pages hold outside user content: forms, head, the heatmap svg.
SITE_ELEMENTS = {"form", "input", "button", "textarea", "meta", "link", "title", "svg"}

"""`{% rowcache %}`: a list's rows, each rendered once for what it shows and then reused.

    {% rowcache "log" entries as entry key entry|log_row_key:user show_date %}
      <li>…one row…</li>
    {% endrowcache %}

After any write every cached page body is retired (wiki/pagecache.py), so the first visit
renders its whole list again, though a write changes one row at most: rendering 25 to 75
rows was most of that visit. Here each row's HTML is kept under a key made of *the values it
shows* (`key`: the row's key filter, which lists every field the row's template reads, and the
other variables it depends on): a row whose values changed gets a new key, so nothing needs
dropping after a write and no row is ever stale. That is also why the rows' cache ("rows" in
CACHES) can be each process's own memory. A list asks for all its rows at once (get_many).

`unless <variable>`: render without the cache when the variable is true (rows holding forms,
whose CSRF token belongs to one session).
"""

import hashlib

from django import template
from django.core.cache import caches
from django.utils.safestring import mark_safe

register = template.Library()
CACHE = "rows"
# A row longer than this (a reading with pages of notes) is rendered each time: the cache's
# memory stays bounded by its number of entries times this.
LARGEST = 16_384


class RowCacheNode(template.Node):
    def __init__(self, name, rows, var, vary, unless, nodelist):
        self.name, self.rows, self.var, self.vary = name, rows, var, vary
        self.unless, self.nodelist = unless, nodelist

    def render(self, context):
        rows = list(self.rows.resolve(context, ignore_failures=True) or ())
        if not rows:
            return ""
        if self.unless is not None and self.unless.resolve(context, ignore_failures=True):
            return self._render(context, rows)
        with context.push():
            keys = []
            for row in rows:
                context[self.var] = row
                shown = repr(tuple(expression.resolve(context) for expression in self.vary))
                keys.append(f"row:{self.name}:{hashlib.sha256(shown.encode()).hexdigest()}")
        cache = caches[CACHE]
        found = cache.get_many(keys)
        missing = [(row, key) for row, key in zip(rows, keys, strict=True) if key not in found]
        if missing:
            rendered = dict(
                zip((key for _, key in missing), self._rows(context, [r for r, _ in missing]), strict=True)
            )
            cache.set_many({key: html for key, html in rendered.items() if len(html) <= LARGEST})
            found.update(rendered)
        return mark_safe("".join(found[key] for key in keys))

    def _rows(self, context, rows):
        with context.push():
            for row in rows:
                context[self.var] = row
                yield self.nodelist.render(context)

    def _render(self, context, rows):
        return mark_safe("".join(self._rows(context, rows)))


@register.tag
def rowcache(parser, token):
    bits = token.split_contents()
    usage = f'usage: {{% {bits[0]} "name" rows as row key <expression>… [unless <variable>] %}}'
    if len(bits) < 7 or bits[3] != "as" or bits[5] != "key":
        raise template.TemplateSyntaxError(usage)
    unless = None
    if "unless" in bits:
        at = bits.index("unless")
        if at != len(bits) - 2:
            raise template.TemplateSyntaxError(usage)
        unless = parser.compile_filter(bits[at + 1])
        bits = bits[:at]
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endrowcache",))
    parser.delete_first_token()
    return RowCacheNode(
        name,
        parser.compile_filter(bits[2]),
        bits[4],
        [parser.compile_filter(bit) for bit in bits[6:]],
        unless,
        nodelist,
    )

"""Nothing written is lost: every change to a tracked object leaves a Revision.

An explicit revision table, as wikis such as django-wiki keep, rather than a library:
django-simple-history copies whole rows (rendered HTML included) into a shadow table per
model and skips bulk writes unless told, and django-reversion stores every field of every
object in one table without knowing which are text to diff. Here each tracked model names the
fields a person edits (wiki/tracking.py); a revision stores just those as JSON (tags and cited
references included), so comparing two is a field-by-field diff and restoring one is a save.

Revisions are written by wiki/changes.py alone; this module builds them and compares them.
"""

import difflib
import re

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Revision
from .tracking import plain, tracked_for

Action = Revision.Action


def content_type_of(model):
    return ContentType.objects.get_for_model(model, for_concrete_model=True)


def _user(user):
    return user if user is not None and user.is_authenticated else None


def revision_of(obj, *, user, action, note="", data=None, **extra):
    """An unsaved revision of obj as it is now (or with the `data` given)."""
    tracked = tracked_for(obj)
    return Revision(
        content_type=content_type_of(tracked.model),
        object_id=obj.pk,
        action=action,
        user=_user(user),
        title=tracked.title_of(obj),
        note=note[:300],
        data=tracked.snapshot(obj) if data is None else data,
        **extra,
    )


def baseline(obj):
    """An object's present state as the revision history starts from (not saved)."""
    return revision_of(obj, user=None, action=Action.BASELINE, created=obj.updated)


def revisions_of(model, object_id):
    return Revision.objects.filter(content_type=content_type_of(model), object_id=object_id).select_related(
        "user"
    )


MERGED_INTO = "merged_into"  # a deletion's data: the pk of what the object was merged into


def successor(model, pk, hops=20):
    """The pk of the saved object a deleted one was merged into, following later merges; else None.

    Merges recorded before the key was kept are read from their note, “… (#12)”.
    """
    found = None
    for _ in range(hops):
        if found is not None and model.objects.filter(pk=found).exists():
            return found
        last = revisions_of(model, pk).last()
        if last is None or last.action != Revision.Action.DELETED:
            return None
        target = last.data.get(MERGED_INTO)
        if target is None and (match := re.fullmatch(r"Merged into .*\(#(\d+)\)", last.note)):
            target = int(match[1])
        if target is None:
            return None
        found = pk = target
    return None


def version_of(obj):
    """What a form remembers of the object it was opened on (see Tracked.version)."""
    return tracked_for(obj).version(obj)


# Comparing


def word_diff(old, new):
    """HTML of `new` against `old`, word by word: removed words in <del>, added in <ins>."""
    a, b = _words(old), _words(new)
    chunks = []  # [same, removed, added]: runs of change, with the spaces between them folded in
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        after_a_change = bool(chunks) and chunks[-1][0] is None
        if op == "equal" and not (before.isspace() and after_a_change):
            chunks.append([before, "", ""])
        elif after_a_change:  # more change, or only spaces between two changes: one reads better
            chunks[-1][1] += before
            chunks[-1][2] += after
        else:
            chunks.append([None, before, after])
    parts = []
    for same, removed, added in chunks:
        if same is not None:
            parts.append(escape(same))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # every piece is escaped above


def _words(text):
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def shown(value):
    """A revision's value as a person reads it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and value and isinstance(value[0], int) and len(value) == 2:
        return f"{value[1]} (#{value[0]})"  # a relation: [id, name]
    if isinstance(value, list):
        return ", ".join(_shown_item(item) for item in value)
    return str(value)


def _shown_item(item):
    if isinstance(item, list):  # a cited reference: [id, title, note]
        return f"#{item[0]} {item[1]}" + (f" ({item[2]})" if len(item) > 2 and item[2] else "")
    return str(item)


def compare(tracked, old, new):
    """Field by field: [(label, diff html, changed)] from revision data `old` to `new`."""
    rows = []
    for name, label in tracked.labels().items():
        before, after = shown((old or {}).get(name)), shown((new or {}).get(name))
        rows.append((label, word_diff(before, after), before != after))
    return rows


def conflict_rows(tracked, form, current):
    """[(label, theirs, yours, diff from theirs to yours)] for each field the two disagree on."""
    labels = tracked.labels()
    theirs = tracked.snapshot(current)
    yours = {name: plain(form.instance, name) for name in tracked.fields if name in form.fields}
    if tracked.has_tags and "tags" in form.fields:
        yours["tags"] = sorted(str(tag) for tag in form.cleaned_data.get("tags", []))
    rows = []
    for name, mine in yours.items():
        their_text, my_text = shown(theirs.get(name)), shown(mine)
        if their_text != my_text:
            rows.append((labels.get(name, name), their_text, my_text, word_diff(their_text, my_text)))
    return rows


def changed_other_than(model, pks, actions):
    """The pks among `pks` whose history holds a change by an action not in `actions` (an
    import asks which of its objects someone edited since)."""
    found = set()
    pks = list(pks)
    for start in range(0, len(pks), 500):
        found.update(
            Revision.objects.filter(
                content_type=content_type_of(model), object_id__in=pks[start : start + 500]
            )
            .exclude(action__in=actions)
            .values_list("object_id", flat=True)
        )
    return found

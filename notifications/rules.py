"""Who is told what when something changes.

The core sends `wiki.signals.changed` for every save made through `wiki.changes` (site, admin,
restore), inside its transaction: what is told here commits or rolls back with the change.
Imports (bulk writes) tell nobody. Mentions are links to members' pages in the rendered text
(wiki.rendering links `@username`), so a name in code or a link's text mentions nobody; each
member is told once per text (`Mention`), however often it is saved again; hidden comments tell
nobody, and hiding a comment takes back what it told.
"""

import re
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

from ideas.models import Comment, Idea
from library.models import LogEntry, Reference
from wiki import signals, tracking
from wiki.rendering import plain_text

from .inbox import notify, watch, watchers
from .models import Kind, Mention, Notification

_MEMBER_LINK = re.compile(r'href="/members/([^"/?#]+)/"')
EXCERPT = 240


def connect():
    signals.changed.connect(_changed, dispatch_uid="notifications-changed")
    m2m_changed.connect(_joined, sender=Idea.members.through, dispatch_uid="notifications-joined")
    tracking.extend(Reference, WatchersFollowMerge())


class WatchersFollowMerge(tracking.Extension):
    """Who watched a duplicate watches the reference it is merged into."""

    def merge(self, duplicate, survivor):
        watch([w.user for w in duplicate.watches.select_related("user")], survivor)


def mentioned_usernames(html):
    return {unquote(name) for name in _MEMBER_LINK.findall(html or "")}


# Inline markup joins its text to what surrounds it ("@carol," not "@carol ,").
_INLINE_TAG = re.compile(r"</?(?:a|b|code|del|em|i|s|span|strong|sub|sup)\b[^>]*>")


def excerpt_of(html):
    text = plain_text(_INLINE_TAG.sub("", html or ""))
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def tell_mentioned(obj, html, actor, where, *, url, **about):
    """Notify the members `html` mentions for the first time; returns their ids."""
    names = mentioned_usernames(html)
    if not names:
        return set()
    tracked = tracking.tracked_for(obj)
    candidates = get_user_model().objects.filter(username__in=names, is_active=True)
    if actor is not None:
        candidates = candidates.exclude(pk=actor.pk)
    told = set(
        Mention.objects.filter(source=tracked.slug, object_id=obj.pk).values_list("user_id", flat=True)
    )
    new = [user for user in candidates if user.pk not in told and tracked.can_read(user, obj)]
    if not new:
        return set()
    Mention.objects.bulk_create(
        [Mention(user=user, source=tracked.slug, object_id=obj.pk) for user in new], ignore_conflicts=True
    )
    subject = about.get("idea") or about.get("reference")
    if subject is not None:
        watch(new, subject)  # being mentioned in a discussion watches it
    who = actor.get_username() if actor else "Somebody"
    notify(
        new,
        Kind.MENTION,
        actor=actor,
        text=f"{who} mentioned you in {where}",
        excerpt=excerpt_of(html),
        url=url,
        **about,
    )
    return {user.pk for user in new}


def comment_changed(comment, before, actor):
    if comment.is_hidden:
        # Hidden by a curator: what it told is taken back, and it tells nobody.
        Notification.objects.filter(comment=comment).delete()
        return
    subject = comment.subject
    about = {subject._meta.model_name: subject, "comment": comment}
    url = comment.get_absolute_url()
    told = tell_mentioned(
        comment, comment.body_html, actor, f"a comment on “{subject.title}”", url=url, **about
    )
    watch([comment.author], subject)
    if before is None or before.is_hidden:  # new, or shown again after being hidden
        author = comment.author
        notify(
            watchers(subject).exclude(pk__in=[author.pk, *told]),
            Kind.COMMENT,
            actor=author,
            text=f"{author.get_username()} commented on “{subject.title}”",
            excerpt=excerpt_of(comment.body_html),
            url=url,
            **about,
        )


def entry_changed(entry, before, actor):
    reference = entry.reference
    url = f"{reference.get_absolute_url()}#log-{entry.pk}"
    about = {"reference": reference, "log_entry": entry}
    title = entry.display_title
    told = tell_mentioned(entry, entry.notes_html, actor, f"a note on “{title}”", url=url, **about)
    if before is None:
        reader = entry.reader
        notify(
            watchers(reference).exclude(pk__in=[reader.pk, *told]),
            Kind.READING,
            actor=reader,
            text=f"{reader.get_username()} read “{title}”",
            excerpt=excerpt_of(entry.notes_html),
            url=url,
            **about,
        )


def idea_changed(idea, before, actor):
    url = idea.get_absolute_url()
    tell_mentioned(idea, idea.body_html, actor, f"the idea “{idea.title}”", url=url, idea=idea)
    if before is None:
        watch([idea.proposer], idea)  # proposing watches it
    elif before.status != idea.status:
        who = actor.get_username() if actor else "Somebody"
        notify(
            idea.members.filter(is_active=True),
            Kind.STATUS,
            actor=actor,
            text=f"{who} moved “{idea.title}” from {before.get_status_display()} to {idea.get_status_display()}",
            url=url,
            idea=idea,
        )


def reference_changed(reference, before, actor):
    url = reference.get_absolute_url()
    where = f"the summary of “{reference.title}”"
    tell_mentioned(reference, reference.summary_html, actor, where, url=url, reference=reference)
    if before is None:
        watch([reference.added_by], reference)


HANDLERS = {
    Comment: comment_changed,
    LogEntry: entry_changed,
    Idea: idea_changed,
    Reference: reference_changed,
}


def _changed(sender, obj, before, user, **kwargs):
    if handler := HANDLERS.get(sender):
        handler(obj, before, user)


def _joined(sender, instance, action, reverse, pk_set, **kwargs):
    """Joining an idea watches it (from the idea's side or the member's)."""
    if action != "post_add" or not pk_set:
        return
    if reverse:  # member.joined_ideas.add(idea, …)
        for idea in Idea.objects.filter(pk__in=pk_set):
            watch([instance], idea)
    else:
        watch(get_user_model().objects.filter(pk__in=pk_set), instance)

"""How the core keeps ideas and comments, and what a reference's change means for citations."""

from django.contrib.auth import get_user_model

from library.models import Reference
from wiki import changes, tracking
from wiki.rendering import plain_text
from wiki.search import url_maker

from .models import Comment, Idea, IdeaReference, IdeaVote, StatusChange


class IdeaTracked(tracking.Tracked):
    slug = "idea"
    model = Idea
    label = "Ideas"
    fields = ("title", "status", "area", "label", "slug", "body")
    kept_fields = ("created", "proposer")

    def snapshot(self, obj):
        data = super().snapshot(obj)
        data["references"] = [
            [link.reference_id, link.reference.title, link.note]
            for link in obj.reference_links.select_related("reference")
        ]
        return data

    def deletion_snapshot(self, obj):
        """Deleting an idea takes its discussion, members, votes and status history along: keep them."""
        data = super().deletion_snapshot(obj)
        data["members"] = list(obj.members.values_list("pk", flat=True))
        data["votes"] = list(obj.votes.values_list("member_id", flat=True))
        data["comments"] = comment_snapshots(obj.comments.select_related("author", "idea"))
        data["status_changes"] = list(
            obj.status_changes.values("old_status", "new_status", "changed_by", "changed_at")
        )
        for change in data["status_changes"]:
            change["changed_at"] = change["changed_at"].isoformat()
        return data

    def labels(self):
        return {**super().labels(), "references": "References"}

    def after_restore(self, obj, data, created):
        super().after_restore(obj, data, created)
        self._restore_links(obj, data.get("references", []))
        if not created:
            return
        obj.members.set(data.get("members", []))
        voters = get_user_model().objects.filter(pk__in=data.get("votes", [])).values_list("pk", flat=True)
        IdeaVote.objects.bulk_create(IdeaVote(idea=obj, member_id=pk) for pk in voters)
        StatusChange.objects.bulk_create(
            StatusChange(
                idea=obj,
                old_status=change["old_status"],
                new_status=change["new_status"],
                changed_by_id=change["changed_by"],
                changed_at=change["changed_at"],
            )
            for change in data.get("status_changes", [])
        )
        restore_comments(data.get("comments", []), idea=obj)

    def _restore_links(self, idea, rows):
        """The idea cites again what it cited then (references since deleted are skipped)."""
        cited = [row[0] for row in rows]
        alive = set(Reference.objects.filter(pk__in=cited).values_list("pk", flat=True))
        idea.reference_links.exclude(reference__in=alive).delete()
        links = {link.reference_id: link for link in idea.reference_links.all()}
        for position, (reference_id, _title, note) in enumerate(rows):
            if reference_id not in alive:
                continue
            link = links.get(reference_id) or IdeaReference(idea=idea, reference_id=reference_id)
            link.note, link.position = note, position
            link.save()

    def document(self, idea):
        return {
            "title": idea.title,
            "body": plain_text(idea.body_html),
            "heading": idea.title,
            "url": idea.get_absolute_url(),
            "stamp": idea.updated,
        }

    def dependents(self, ids):
        # Its comments show the idea's title (and go with it when it is deleted).
        return {"comment": Comment.objects.filter(idea__in=ids).values_list("pk", flat=True)}


class CommentTracked(tracking.Tracked):
    slug = "comment"
    model = Comment
    label = "Comments"
    owner_field = "author"
    fields = ("idea", "reference", "author", "body", "is_hidden")
    has_tags = False

    def can_read(self, user, obj):
        return user.is_staff if obj is None or obj.is_hidden else True

    def can_edit(self, user, obj):
        # A hidden comment is the curators' until they show it again, its author's included.
        return super().can_edit(user, obj) and (user.is_staff or not obj.is_hidden)

    def version(self, obj):
        # Hiding changes no text and leaves `updated` (the "edited" mark) alone, but a form
        # opened on the shown comment must not show it again by saving.
        version = super().version(obj)
        return f"{version} hidden" if obj.is_hidden else version

    def title_of(self, obj):
        return f"{obj.author} on “{obj.subject}”"[:500]

    def search_queryset(self):
        return Comment.objects.select_related("author", "idea", "reference").only(
            "body_html", "is_hidden", "created", "author__username", "idea__title", "reference__title"
        )

    def document(self, comment):
        if comment.is_hidden:
            return None  # hidden by a curator: not found by search either
        return {
            "title": "",
            "body": plain_text(comment.body_html),
            "heading": f"{comment.author.get_username()} on “{comment.subject.title}”",
            "url": url_maker("ideas:comment")(comment.pk),
            "stamp": comment.created,
        }


class Citations(tracking.Extension):
    """Ideas cite references: a deleted reference's citations come back with it; a merged
    one's move to the reference it was merged into (keeping both notes where both were cited)."""

    def deletion_data(self, reference):
        return {"cited_by": [[link.idea_id, link.note, link.position] for link in reference.idea_links.all()]}

    def after_restore(self, reference, data, created):
        if not (created and data.get("cited_by")):
            return
        alive = set(
            Idea.objects.filter(pk__in=[row[0] for row in data["cited_by"]]).values_list("pk", flat=True)
        )
        IdeaReference.objects.bulk_create(
            [
                IdeaReference(idea_id=idea_id, reference=reference, note=note, position=position)
                for idea_id, note, position in data["cited_by"]
                if idea_id in alive
            ],
            ignore_conflicts=True,
        )

    def merge(self, duplicate, survivor):
        cited = {link.idea_id: link for link in survivor.idea_links.all()}
        for link in duplicate.idea_links.all():
            if twin := cited.get(link.idea_id):
                if link.note and link.note not in twin.note:
                    twin.note = f"{twin.note}; {link.note}" if twin.note else link.note
                    twin.save(update_fields=["note"])
                continue
            link.reference = survivor
            link.save(update_fields=["reference"])
            cited[link.idea_id] = link


class ReferenceDiscussion(tracking.Extension):
    """A reference's discussion: its comments show its title, go and come back with it, and
    move to the reference it is merged into."""

    def dependents(self, ids):
        return {"comment": Comment.objects.filter(reference__in=ids).values_list("pk", flat=True)}

    def deletion_data(self, reference):
        return {"comments": comment_snapshots(reference.comments.select_related("author", "reference"))}

    def after_restore(self, reference, data, created):
        if created:
            restore_comments(data.get("comments", []), reference=reference)

    def merge(self, duplicate, survivor):
        moved = list(duplicate.comments.values_list("pk", flat=True))
        if moved:
            with changes.bulk_change(
                Comment, None, changes.Action.EDITED, note="Moved by a merge", pks=moved
            ):
                Comment.objects.filter(pk__in=moved).update(reference=survivor)


def comment_snapshots(comments):
    """The comments a deleted idea or reference takes along, as restore_comments reads them."""
    return [{"pk": comment.pk, **COMMENT.snapshot(comment)} for comment in comments]


def restore_comments(saved_comments, **subject):
    """Bring back the comments a deleted idea or reference took along."""
    for saved in saved_comments:
        comment = Comment(pk=saved["pk"], **subject)
        if COMMENT.apply(comment, saved):
            continue  # its author is gone: nothing to put it back under
        comment.save()
        COMMENT.after_restore(comment, saved, created=True)


IDEA = tracking.register(IdeaTracked())
COMMENT = tracking.register(CommentTracked())
tracking.extend(Reference, Citations())
tracking.extend(Reference, ReferenceDiscussion())

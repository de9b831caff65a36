"""How ideas and comments are kept in the revision history (see library/history.py)."""

from library import history

from .models import Comment, Idea, IdeaReference, StatusChange


class IdeaHistory(history.Tracked):
    slug = "idea"
    model = Idea
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
        """Deleting an idea takes its discussion, members and status history along: keep them."""
        data = self.snapshot(obj)
        data["members"] = list(obj.members.values_list("pk", flat=True))
        data["comments"] = [
            {"pk": comment.pk, **COMMENT.snapshot(comment)}
            for comment in obj.comments.select_related("author", "idea")
        ]
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
        StatusChange.objects.bulk_create(
            StatusChange(idea=obj, **change) for change in data.get("status_changes", [])
        )
        for saved in data.get("comments", []):
            comment = Comment(pk=saved["pk"], idea=obj)
            if COMMENT.apply(comment, saved):
                continue  # its author is gone: nothing to put it back under
            comment.save()
            COMMENT.after_restore(comment, saved, created=True)

    def _restore_links(self, idea, rows):
        """The idea cites again what it cited then (references since deleted are skipped)."""
        from library.models import Reference

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


class CommentHistory(history.Tracked):
    slug = "comment"
    model = Comment
    fields = ("idea", "author", "body", "is_hidden")
    has_tags = False

    def can_read(self, user, obj):
        return user.is_staff if obj is None or obj.is_hidden else True

    def can_edit(self, user, obj):
        return user.is_staff or obj.author_id == user.pk

    def title_of(self, obj):
        return f"{obj.author} on “{obj.idea}”"[:500]


IDEA = history.register(IdeaHistory())
COMMENT = history.register(CommentHistory())

"""Ideas and comments in the site's search (see library.search)."""

from django.db.models.signals import post_save

from library.rendering import plain_text
from library.search import index_objects, register, url_maker

from .models import Comment, Idea


def _idea_document(idea):
    return {
        "title": idea.title,
        "body": plain_text(idea.body_html),
        "heading": idea.title,
        "url": idea.get_absolute_url(),
        "stamp": idea.updated,
    }


def _comment_url(pk):
    return url_maker("ideas:comment")(pk)


def _comment_document(comment):
    if comment.is_hidden:
        return None  # hidden by a curator: not found by search either
    return {
        "title": "",
        "body": plain_text(comment.body_html),
        "heading": f"{comment.author.get_username()} on “{comment.idea.title}”",
        "url": _comment_url(comment.pk),
        "stamp": comment.created,
    }


def _idea_saved(sender, instance, raw=False, **kwargs):
    # Its comments show the idea's title.
    if not raw:
        index_objects("comment", instance.comments.values_list("pk", flat=True))


def connect():
    register("idea", "Ideas", Idea.objects.all, _idea_document, model=Idea)
    register(
        "comment",
        "Comments",
        lambda: Comment.objects.select_related("author", "idea").only(
            "body_html", "is_hidden", "created", "author__username", "idea__title"
        ),
        _comment_document,
        model=Comment,
    )
    post_save.connect(_idea_saved, sender=Idea, dispatch_uid="search-idea-comments")

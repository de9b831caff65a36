"""Atom feed of new ideas and visible comments (on ideas and references), merged newest first; access as for library's feeds."""

from heapq import merge
from itertools import islice

from django.urls import reverse

from library.feeds import FEED_LENGTH, WikiFeed, feed_access

from .models import Comment, Idea


class IdeasFeed(WikiFeed):
    title = "IDL Wiki · ideas and comments"
    subtitle = "New project ideas and the discussion on them, newest first."
    url_name = "ideas:feed"

    def link(self):
        return reverse("ideas:list")

    def items(self, obj):
        ideas = Idea.objects.select_related("proposer").order_by("-created", "-id")[:FEED_LENGTH]
        comments = (
            Comment.objects.visible()
            .select_related("idea", "reference", "author")
            .order_by("-created", "-id")[:FEED_LENGTH]
        )
        items = list(islice(merge(ideas, comments, key=lambda item: item.created, reverse=True), FEED_LENGTH))
        for item in items:
            kind = "idea" if isinstance(item, Idea) else "comment"
            item.feed_guid = self.tag_uri(obj, item.created, f"{kind}/{item.pk}")
        return items

    def item_title(self, item):
        if isinstance(item, Idea):
            return f"New idea: {item.title}"
        return f"{item.author.get_username()} on “{item.subject.title}”"

    def item_description(self, item):
        return item.body_html or None

    def item_author_name(self, item):
        author = item.proposer if isinstance(item, Idea) else item.author
        return author.get_username() if author else None


ideas_feed = feed_access(IdeasFeed())

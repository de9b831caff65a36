"""`{% discussion subject %}`: the comments of an idea or a reference, a page at a time, and the form.

A tag rather than view code so the library's reference page shows its discussion without the
library importing the ideas app, which owns comments.
"""

from django import template
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from ideas.forms import CommentForm
from ideas.views import discussion_page

register = template.Library()


@register.inclusion_tag("ideas/_discussion.html", takes_context=True)
def discussion(context, subject):
    request = context["request"]
    if subject._meta.model_name == "idea":
        add_url = reverse("ideas:comment_add", args=[subject.slug])
    else:
        add_url = reverse("reference_comment_add", args=[subject.pk])
    return {
        "request": request,
        "user": context["user"],
        # Read only when the list is not cached (wiki/pagecache.py).
        "comments": SimpleLazyObject(lambda: discussion_page(request, subject)),
        "data_version": context.get("data_version"),
        "viewer": context.get("viewer"),
        "comment_form": CommentForm(),
        "add_url": add_url,
    }

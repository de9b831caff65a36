"""`{% discussion subject %}`: the comments of an idea or a reference, a page at a time, and the form.

A tag rather than view code so the library's reference page shows its discussion without the
library importing the ideas app, which owns comments.
"""

from django import template
from django.urls import reverse

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
        "comments": discussion_page(request, subject),
        "comment_form": CommentForm(),
        "add_url": add_url,
    }

from django import template

from notifications.inbox import is_watching, subject_field

register = template.Library()


@register.inclusion_tag("notifications/_watch_button.html", takes_context=True)
def watch_button(context, subject):
    user = context["user"]
    return {
        "user": user,
        "subject": subject,
        "kind": subject_field(subject),
        "watching": is_watching(user, subject),
        "csrf_token": context.get("csrf_token"),
    }

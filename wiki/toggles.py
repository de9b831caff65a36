"""One member's yes/no on one thing (a vote, a watch): a row that exists or not."""

from django.db import IntegrityError, transaction


@transaction.atomic
def toggle(model, **fields):
    """Create the row these fields name, or delete it if there is one; True when it now exists."""
    deleted, _ = model.objects.filter(**fields).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        pass  # the same click twice at once: the row stands either way
    return True

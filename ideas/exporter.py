"""Write the ideas back out in the team's own format, in UTF-8."""

from django.db.models import F

from .formats import write
from .models import Idea


def export_ideas():
    """The ideas file for every idea, grouped by area in the file's order."""
    ideas = Idea.objects.select_related("area").order_by(
        F("area__position").asc(nulls_last=True), "area_id", "id"
    )
    groups = {}
    for idea in ideas:
        groups.setdefault(idea.area, []).append(idea)
    areas = [
        (area.name if area else "Other ideas", area.description if area else "", members)
        for area, members in groups.items()
    ]
    return write(areas)

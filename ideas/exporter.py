"""Write the ideas back out in the team's own format, in UTF-8."""

from django.db.models import F

from .formats import write
from .models import Area, Idea


def export_ideas():
    """The ideas file for every idea, grouped by area in the areas' order (areas without ideas
    too, with their text); within an area in the order of the file they were last imported
    from, then as they were added."""
    ideas = Idea.objects.select_related("area").order_by(
        F("area__position").asc(nulls_last=True),
        "area_id",
        F("imported__position").asc(nulls_last=True),
        "id",
    )
    groups = {area: [] for area in Area.objects.order_by("position", "id")}
    for idea in ideas:
        groups.setdefault(idea.area, []).append(idea)
    areas = [
        (area.name if area else "Other ideas", area.description if area else "", members)
        for area, members in groups.items()
        if members or (area and area.description)
    ]
    return write(areas)

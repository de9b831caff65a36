import django_filters
from django import forms

from library.filters import TagFilter
from wiki import search
from wiki.widgets import FastWidgetsMixin

from .models import Idea, Status


class IdeaFilter(FastWidgetsMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="Text", method="filter_text")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    tag = TagFilter()
    mine = django_filters.BooleanFilter(label="Mine only", method="filter_mine", widget=forms.CheckboxInput)
    sort = django_filters.OrderingFilter(
        fields=(
            ("last_activity", "activity"),
            ("n_votes", "votes"),
            ("n_comments", "comments"),
            ("created", "created"),
        ),
        field_labels={
            "-activity": "Recent activity",
            "-votes": "Most votes",
            "-comments": "Most comments",
            "-created": "Newest",
        },
        label="Sort",
        empty_label="Recent activity",
    )

    class Meta:
        model = Idea
        fields = ["q", "status", "tag", "mine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sorting offers only the descending orders; ascending ones are still accepted.
        self.filters["sort"].extra["choices"] = [
            choice for choice in self.filters["sort"].extra["choices"] if choice[0].startswith("-")
        ]

    def filter_text(self, queryset, name, value):
        return queryset.filter(pk__in=search.matching_ids(value, "idea"))

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.involving(user)

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            return queryset.order_by("-last_activity", "-id")
        # Ties (many ideas with one vote or none) in a fixed order, so pages neither repeat nor skip.
        return queryset.order_by(*queryset.query.order_by, "-last_activity", "-id")

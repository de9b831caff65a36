import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from taggit.models import TaggedItem

from wiki import search
from wiki.widgets import FastWidgetsMixin

from .models import Kind, LogEntry, Reference
from .tags import find_tag, uses_up_to

COMMON_TAG_USES = 1000
# The widest id a BigAutoField holds: beyond it SQLite overflows and PostgreSQL refuses.
MAX_ID = 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the field's range: anything else is the field's error, and ignored.

    django-filter's NumberFilter takes any decimal, so `?year=-1`, `?year=1.5` or an id past
    64 bits reached the query and failed there (a 500). Pass min_value and max_value.
    """

    field_class = forms.IntegerField


def filter_tag(queryset, name, value, walk_common_tags=True):
    """Objects with this tag, without a join or DISTINCT over a big list.

    The value is a tag's slug or its name as typed (any case). A rare tag is best read from
    taggit's rows (IN); a tag on a third of the library is best
    checked row by row while walking a paged list in its order (EXISTS), which stops at the
    page. An export reads every match, so it always takes the IN plan. The tag's id is looked
    up first: a literal lets PostgreSQL estimate how many rows carry it.
    """
    tag = find_tag(value)
    if tag is None:
        return queryset.none()
    return with_tag(queryset, tag, uses_up_to(tag, COMMON_TAG_USES + 1) if walk_common_tags else 0)


def with_tag(queryset, tag, uses):
    """filter_tag for a Tag already read, with its number of uses (0: take the IN plan)."""
    tagged = tagged_items(queryset.model, tag)
    if uses > COMMON_TAG_USES:
        return queryset.filter(Exists(tagged.filter(object_id=OuterRef("pk"))))
    return queryset.filter(pk__in=tagged.values("object_id"))


def tagged_items(model, tag):
    """taggit's rows tying `tag` to objects of `model` (read from one index, migration 0015)."""
    return TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(model), tag_id=tag.pk)


class TotalOrderingFilter(django_filters.OrderingFilter):
    """A sort whose ties (two titles alike) are broken by the id, newest first: pages cut at a
    tie would otherwise show a row twice or never, and the back half of a list can be read
    from its end (wiki/paging.py)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and qs.query.order_by and str(qs.query.order_by[-1]).lstrip("-") not in ("id", "pk"):
            qs = qs.order_by(*qs.query.order_by, "-id")
        return qs


class TagFilter(django_filters.CharFilter):
    """A tag by its name as typed (or its slug); the page's script offers the used tags with counts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("method", filter_tag)
        widget = forms.TextInput(attrs={"data-tags": "one", "placeholder": "Any tag"})
        super().__init__(label="Tag", widget=widget, **kwargs)


def filter_tag_for_export(queryset, name, value):
    return filter_tag(queryset, name, value, walk_common_tags=False)


class ReferenceFilter(FastWidgetsMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="Text", method="filter_text")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any kind")
    tag = TagFilter()
    # The years a date can hold.
    year = IntegerFilter(field_name="published__year", label="Year", min_value=1, max_value=9999)
    added_by = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        empty_label="Anyone",
    )
    sort = TotalOrderingFilter(
        fields=(("created", "added"), ("published", "published"), ("title", "title")),
        field_labels={"-added": "Newest added", "-published": "Newest published", "title": "Title"},
        label="Sort",
        empty_label="Newest added",
    )

    class Meta:
        model = Reference
        fields = ["q", "kind", "tag", "year", "added_by"]

    def filter_text(self, queryset, name, value):
        # The site's search engine finds them (matching first, on the index); the list then
        # applies its other filters and its sort to those ids.
        return queryset.filter(pk__in=search.matching_ids(value, "reference"))


class ReferenceExportFilter(ReferenceFilter):
    """The library list's filters for a download of every match (BibTeX, papers README)."""

    tag = TagFilter(method=filter_tag_for_export)


class LogEntryFilter(FastWidgetsMixin, django_filters.FilterSet):
    reader = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        empty_label="Everyone",
    )
    kind = django_filters.ChoiceFilter(
        field_name="reference__kind", choices=Kind.choices, empty_label="Any kind"
    )
    tag = TagFilter()
    reference = IntegerFilter(field_name="reference", widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    after = django_filters.DateFilter(
        field_name="read_on", lookup_expr="gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    before = django_filters.DateFilter(
        field_name="read_on", lookup_expr="lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = LogEntry
        fields = ["reader", "kind", "tag", "reference", "after", "before"]

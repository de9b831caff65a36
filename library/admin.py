from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import render
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from wiki.admin import TrackedAdmin

from .models import FeedToken, LogEntry, Pick, QueueItem, Reference, UpNextVote
from .services import merge_references
from .tags import clean_tag_name, merge_tags


class LogEntryInline(admin.TabularInline):
    model = LogEntry
    fields = ["read_on", "reader", "logged_title"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reference)
class ReferenceAdmin(TrackedAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "published", "added_by", "times_read", "tag_list", "created"]
    list_filter = ["kind", "needs_title", "created", ("added_by", admin.RelatedOnlyFieldListFilter), "tags"]
    search_fields = ["title", "authors", "url", "affiliation", "venue"]
    date_hierarchy = "created"
    readonly_fields = ["identity", "created", "updated"]
    autocomplete_fields = ["added_by"]
    inlines = [LogEntryInline]
    actions = ["merge_selected", "fill_metadata"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "url", "tags", "version"]}),
        ("Publication", {"fields": ["authors", "affiliation", "published", "venue"]}),
        ("Summary", {"fields": ["summary"]}),
        ("Bookkeeping", {"fields": ["identity", "added_by", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("added_by")
            .prefetch_related("tags")
            .with_times_read()
        )

    @admin.display(description="Read", ordering="times_read")
    def times_read(self, obj):
        return obj.times_read

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    def save_model(self, request, obj, form, change):
        if not change and obj.added_by is None:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge selected references…", permissions=["delete"])
    def merge_selected(self, request, queryset):
        references = list(queryset.order_by("created", "pk"))
        if len(references) < 2:
            self.message_user(request, "Select at least two references to merge.", messages.WARNING)
            return None
        survivor_pk = request.POST.get("survivor")
        if "confirm" in request.POST and survivor_pk:
            survivor = next((r for r in references if str(r.pk) == survivor_pk), None)
            if survivor is None:
                self.message_user(request, "Choose one of the selected references to keep.", messages.ERROR)
                return None
            merged = merge_references(survivor, references, user=request.user)
            self.message_user(
                request, f"Merged {len(references) - 1} reference(s) into “{merged}”.", messages.SUCCESS
            )
            return None
        return render(
            request,
            "admin/library/merge_references.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge references",
                "references": references,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    # Each lookup may take IDL_METADATA_TIMEOUT seconds: a request does a bounded number.
    FILL_AT_MOST = 25

    @admin.action(description="Fill in metadata from arXiv, Crossref or the page", permissions=["change"])
    def fill_metadata(self, request, queryset):
        from .metadata.fill import fill_references

        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[: self.FILL_AT_MOST + 1])
        if len(pks) > self.FILL_AT_MOST:
            self.message_user(
                request,
                f"Select at most {self.FILL_AT_MOST} references at a time "
                "(or run `manage.py fill_metadata` for the whole library).",
                messages.WARNING,
            )
            return None
        references = Reference.objects.filter(pk__in=pks).order_by("pk")
        report = fill_references(references, user=request.user)
        level = messages.SUCCESS if not (report.not_found or report.unreachable) else messages.WARNING
        self.message_user(request, f"Metadata: {report.summary()}", level)
        for line in report.differences[:10]:
            self.message_user(request, f"Kept as entered: {line}", messages.INFO)
        return None


@admin.register(LogEntry)
class LogEntryAdmin(TrackedAdmin, admin.ModelAdmin):
    list_display = ["read_on", "reader", "reference", "logged_title", "tag_list"]
    list_filter = ["read_on", ("reader", admin.RelatedOnlyFieldListFilter), "reference__kind", "tags"]
    search_fields = ["reference__title", "logged_title", "notes", "reader__username"]
    date_hierarchy = "read_on"
    autocomplete_fields = ["reference", "reader"]
    list_select_related = ["reader", "reference"]
    readonly_fields = ["created", "updated"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


@admin.register(Pick)
class PickAdmin(admin.ModelAdmin):
    """The sessions' papers: curators pick any reference here, voted for or not."""

    list_display = ["session", "reference", "picked_by", "created"]
    list_select_related = ["reference", "picked_by"]
    date_hierarchy = "session"
    search_fields = ["reference__title"]
    autocomplete_fields = ["reference", "picked_by"]
    readonly_fields = ["created"]

    def save_model(self, request, obj, form, change):
        if not change and obj.picked_by is None:
            obj.picked_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(UpNextVote)
class UpNextVoteAdmin(admin.ModelAdmin):
    list_display = ["reference", "member", "created"]
    list_select_related = ["reference", "member"]
    list_filter = [("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference__title", "member__username"]
    autocomplete_fields = ["reference", "member"]
    readonly_fields = ["created"]


@admin.register(QueueItem)
class QueueItemAdmin(admin.ModelAdmin):
    """Members' queues, for tidying up after an account is closed; members order their own."""

    list_display = ["member", "position", "reference", "added"]
    list_select_related = ["reference", "member"]
    list_filter = [("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference__title", "member__username"]
    autocomplete_fields = ["reference", "member"]
    readonly_fields = ["added"]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Deleting a token revokes a member's feed links; their feeds page then makes new ones."""

    list_display = ["user", "created"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key", "created"]

    def has_add_permission(self, request):
        return False  # a token is made by its member's feeds page, with a random key


class TagForm(forms.ModelForm):
    """Taggit's tag form, with the slug optional: left empty (as it is for “🔥”, whose name the
    admin's script cannot make a slug of), the tag gets one when saved (library/tags.py)."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Made from the name when left empty."

    def clean_name(self):
        name = clean_tag_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("A tag needs a visible name.", code="required")
        return name


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    form = TagForm
    list_display = ["name", "slug", "uses"]
    # Ours keeps every tagged object's history (taggit's own merge does not, and keeps the old tags).
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_uses=Count("taggit_taggeditem_items"))

    @admin.display(description="Uses", ordering="n_uses")
    def uses(self, tag):
        return tag.n_uses

    @admin.action(description="Merge selected tags into the most used of them")
    def merge(self, request, queryset):
        tags = sorted(queryset, key=lambda tag: (-tag.n_uses, tag.pk))
        if len(tags) < 2:
            self.message_user(request, "Select two tags or more to merge.", messages.WARNING)
            return
        changed = merge_tags(tags[0], tags[1:], request.user)
        names = ", ".join(f"“{tag.name}”" for tag in tags[1:])
        self.message_user(request, f"Merged {names} into “{tags[0].name}” ({changed} tagged things).")

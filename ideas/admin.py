from django.contrib import admin

from wiki import changes
from wiki.admin import TrackedAdmin

from .models import Area, Comment, Idea, IdeaReference, IdeaVote, StatusChange


class IdeaReferenceInline(admin.TabularInline):
    model = IdeaReference
    autocomplete_fields = ["reference"]
    fields = ["reference", "note", "position"]
    extra = 1


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["old_status", "new_status", "changed_by", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]


@admin.register(Idea)
class IdeaAdmin(TrackedAdmin, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "proposer",
        "n_references",
        "n_comments",
        "n_members",
        "n_votes",
        "updated",
    ]
    list_filter = ["status", "area", ("proposer", admin.RelatedOnlyFieldListFilter), "tags", "created"]
    search_fields = ["title", "body", "slug"]
    date_hierarchy = "created"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["proposer", "members"]
    readonly_fields = ["created", "updated"]
    inlines = [IdeaReferenceInline, StatusChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposer").with_counts()

    @admin.display(description="References", ordering="n_references")
    def n_references(self, obj):
        return obj.n_references

    @admin.display(description="Comments", ordering="n_comments")
    def n_comments(self, obj):
        return obj.n_comments

    @admin.display(description="Members", ordering="n_members")
    def n_members(self, obj):
        return obj.n_members

    @admin.display(description="👍", ordering="n_votes")
    def n_votes(self, obj):
        return obj.n_votes

    def save_model(self, request, obj, form, change):
        if not change and obj.proposer is None:
            obj.proposer = request.user
        super().save_model(request, obj, form, change)


@admin.register(Comment)
class CommentAdmin(TrackedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "excerpt", "is_hidden", "created"]
    list_filter = ["is_hidden", "created", ("author", admin.RelatedOnlyFieldListFilter), "idea"]
    search_fields = ["body", "author__username", "idea__title", "reference__title"]
    date_hierarchy = "created"
    list_select_related = ["author", "idea", "reference"]
    autocomplete_fields = ["idea", "reference", "author"]
    readonly_fields = ["created", "updated"]
    actions = ["hide", "unhide"]

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return obj.body[:80]

    def _set_hidden(self, request, queryset, hidden):
        pks = list(queryset.values_list("pk", flat=True))
        note = "Hidden in the admin" if hidden else "Shown again in the admin"
        with changes.bulk_change(Comment, request.user, changes.Action.EDITED, note=note, pks=pks):
            Comment.objects.filter(pk__in=pks).update(is_hidden=hidden)
        return len(pks)

    @admin.action(description="Hide selected comments")
    def hide(self, request, queryset):
        updated = self._set_hidden(request, queryset, True)
        self.message_user(request, f"Hid {updated} comment(s).")

    @admin.action(description="Show selected comments again")
    def unhide(self, request, queryset):
        updated = self._set_hidden(request, queryset, False)
        self.message_user(request, f"Showed {updated} comment(s) again.")


@admin.register(IdeaVote)
class IdeaVoteAdmin(admin.ModelAdmin):
    list_display = ["idea", "member", "created"]
    list_select_related = ["idea", "member"]
    list_filter = [("member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["idea__title", "member__username"]
    autocomplete_fields = ["idea", "member"]
    readonly_fields = ["created"]

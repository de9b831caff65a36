from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from library.models import TAG_LIST, Reference
from wiki import changes
from wiki.access import back_to, public_read, staff_required
from wiki.editing import deletable, edit_page, editable
from wiki.pagecache import remembered
from wiki.paging import lazy_page

from .filters import IdeaFilter
from .forms import CommentForm, IdeaForm, ReferenceLinkFormSet
from .models import Comment, Idea
from .services import link_references, record_status, toggle_membership, toggle_vote

IDEAS_PER_PAGE = 25


@public_read
def idea_list(request):
    # Filter and order on plain rows (the comment count only when sorting by it), then count
    # references, comments and members for the page's ideas alone.
    filterset = SimpleLazyObject(
        lambda: IdeaFilter(
            request.GET, queryset=Idea.objects.with_comment_count().with_votes(), request=request
        )
    )

    def rows():
        return (
            Idea.objects.with_counts()
            .with_votes(request.user)
            .select_related("proposer")
            .prefetch_related(TAG_LIST)
        )

    return render(
        request,
        "ideas/idea_list.html",
        {
            "filter": filterset,
            "page": lazy_page(request, lambda: filterset.qs, rows, IDEAS_PER_PAGE),
            "vote_buttons": request.user.is_authenticated,
        },
    )


COMMENTS_PER_PAGE = 100


def shown_comments(user, subject):
    """The comments this user sees on an idea or a reference, oldest first (curators see hidden ones too)."""
    comments = subject.comments.order_by("created", "id")
    return comments if user.is_staff else comments.visible()


def discussion_page(request, subject):
    """A page of the discussion of `subject`: a long one comes in pages, the newest first
    (where the conversation is) unless ?page= asks for another."""
    paginator = Paginator(shown_comments(request.user, subject).select_related("author"), COMMENTS_PER_PAGE)
    return paginator.get_page(request.GET.get("page") or paginator.num_pages)


@public_read
def idea_detail(request, slug):
    # With this member's vote, kept with their cached page until the next write.
    idea = remembered(
        "idea-page",
        (slug, request.user.pk),
        lambda: (
            Idea.objects.with_votes(request.user).select_related("proposer", "area").filter(slug=slug).first()
        ),
    )
    if idea is None:
        raise Http404("No such idea.")
    # What the page lists is read only when its cached parts are not (wiki/pagecache.py); its
    # discussion comes with the {% discussion %} tag.

    def lazy_list(queryset):
        return SimpleLazyObject(lambda: list(queryset))

    return render(
        request,
        "ideas/idea_detail.html",
        {
            "idea": idea,
            "links": lazy_list(idea.reference_links.select_related("reference")),
            "members": lazy_list(idea.members.all()),
            "status_changes": lazy_list(idea.status_changes.select_related("changed_by")),
            "is_member": SimpleLazyObject(
                lambda: request.user.is_authenticated and idea.members.filter(pk=request.user.pk).exists()
            ),
        },
    )


@public_read
def comment_permalink(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("idea", "reference"), pk=pk)
    if comment.is_hidden and not request.user.is_staff:
        raise Http404("No such comment.")
    earlier = (
        shown_comments(request.user, comment.subject)
        .filter(Q(created__lt=comment.created) | Q(created=comment.created, id__lt=comment.pk))
        .count()
    )
    page = earlier // COMMENTS_PER_PAGE + 1
    return redirect(f"{comment.subject.get_absolute_url()}?page={page}#comment-{comment.pk}")


@login_required
def idea_new(request):
    form = IdeaForm(request.POST or None)
    form.instance.proposer = request.user

    def save(form):
        idea = form.save()
        record_status(idea, "", request.user)
        link_references(idea, form.reference_specs, request.user)
        return idea

    def done(idea):
        messages.success(request, f"Proposed “{idea}”.")
        return redirect(idea)

    return edit_page(request, form, "ideas/idea_form.html", {}, save=save, done=done)


@login_required
def idea_edit(request, slug):
    idea = editable(request, Idea, slug=slug)
    old_status = idea.status
    form = IdeaForm(request.POST or None, instance=idea)
    links = ReferenceLinkFormSet(
        request.POST or None, instance=idea, queryset=idea.reference_links.select_related("reference")
    )

    def save(form):
        idea = form.save()
        links.save()
        record_status(idea, old_status, request.user)
        link_references(idea, form.reference_specs, request.user)
        return idea

    def done(idea):
        messages.success(request, f"Saved “{idea}”.")
        return redirect(idea)

    context = {"links": links, "idea": idea}
    return edit_page(request, form, "ideas/idea_form.html", context, save=save, done=done, formsets=[links])


@login_required
def idea_delete(request, slug):
    idea = deletable(request, Idea, slug=slug)
    if request.method == "POST":
        changes.delete(idea, user=request.user)
        messages.success(request, f"Deleted “{idea}”. Curators can bring it back from its history.")
        return redirect("ideas:list")
    return render(request, "confirm_delete.html", {"object": idea, "cancel_url": idea.get_absolute_url()})


@login_required
@require_POST
def idea_join(request, slug):
    idea = get_object_or_404(Idea, slug=slug)
    if toggle_membership(idea, request.user):
        messages.success(request, f"You joined “{idea}”.")
    else:
        messages.info(request, f"You left “{idea}”.")
    return redirect(idea)


@login_required
@require_POST
def idea_vote(request, slug):
    idea = get_object_or_404(Idea.objects.only("title", "slug"), slug=slug)
    if toggle_vote(idea, request.user):
        messages.success(request, f"You gave “{idea}” your 👍.")
    else:
        messages.info(request, f"You took back your 👍 for “{idea}”.")
    return back_to(request, idea)


@login_required
@require_POST
def comment_add(request, slug):
    return _comment_add(request, get_object_or_404(Idea, slug=slug))


@login_required
@require_POST
def reference_comment_add(request, pk):
    return _comment_add(request, get_object_or_404(Reference, pk=pk))


def _comment_add(request, subject):
    comment = Comment(author=request.user, **{subject._meta.model_name: subject})
    form = CommentForm(request.POST, instance=comment)
    return edit_page(request, form, "ideas/comment_form.html", {"subject": subject}, done=redirect)


@login_required
def comment_edit(request, pk):
    comment = editable(request, Comment.objects.select_related("idea", "reference"), pk=pk)

    def done(comment):
        messages.success(request, "Saved the comment.")
        return redirect(comment)

    context = {"subject": comment.subject, "comment": comment}
    form = CommentForm(request.POST or None, instance=comment)
    return edit_page(request, form, "ideas/comment_form.html", context, done=done)


@login_required
def comment_delete(request, pk):
    comment = deletable(request, Comment.objects.select_related("idea", "reference"), pk=pk)
    if request.method == "POST":
        changes.delete(comment, user=request.user)
        messages.success(request, "Deleted the comment. Curators can bring it back from its history.")
        return redirect(comment.subject)
    return render(
        request, "confirm_delete.html", {"object": comment, "cancel_url": comment.get_absolute_url()}
    )


@staff_required
@require_POST
def comment_hide(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("idea", "reference"), pk=pk)
    with changes.change(comment, request.user, latest=True) as change:
        comment.is_hidden = not comment.is_hidden
        change.note = "Hidden" if comment.is_hidden else "Shown again"
        comment.save(update_fields=["is_hidden"])
    messages.success(request, "Comment hidden." if comment.is_hidden else "Comment shown again.")
    return redirect(comment)

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST, require_safe

from wiki import changes, history, search
from wiki.access import public_read
from wiki.downloads import download
from wiki.editing import deletable, edit_page, editable
from wiki.pagecache import remembered
from wiki.paging import in_order, lazy_page

from . import bibtex, queue
from .capture import MetadataError, as_json, lookup
from .filters import LogEntryFilter, ReferenceExportFilter, ReferenceFilter, tagged_items
from .forms import LogEntryForm, ReferenceForm
from .identity import link_from
from .models import TAG_LIST, LogEntry, Reference
from .services import find_reference
from .tags import find_tag

REFERENCES_PER_PAGE = 25
LOG_ENTRIES_PER_PAGE = 50


@public_read
def reference_list(request):
    # Built when the template first reads it: not at all when the body is cached.
    filterset = SimpleLazyObject(lambda: ReferenceFilter(request.GET, queryset=Reference.objects.all()))

    def rows():
        return Reference.objects.with_list_data().with_times_read()

    def counted():
        # A common tag's page walks the list checking each row (EXISTS) and stops at the page;
        # counting all of them is cheaper from taggit's rows, as a download reads them.
        if not request.GET.get("tag"):
            return None
        if set(request.GET) - {"page", "per_page", "sort"} == {"tag"} and (
            tag := find_tag(request.GET["tag"])
        ):
            return tagged_items(Reference, tag)  # the tag alone: its rows are the count (an index-only one)
        return ReferenceExportFilter(request.GET, queryset=Reference.objects.all()).qs

    return render(
        request,
        "library/reference_list.html",
        {
            "filter": filterset,
            "page": lazy_page(request, lambda: filterset.qs, rows, REFERENCES_PER_PAGE, counted),
        },
    )


@public_read
def reference_bibtex(request):
    """BibTeX of the library list as filtered: the same query string as /library/, streamed."""
    references = ReferenceExportFilter(request.GET, queryset=Reference.objects.all()).qs
    return download(bibtex.export(references), "application/x-bibtex", "idl-library.bib")


READINGS_SHOWN = 20


@public_read
def reference_detail(request, pk):
    # Its tags: when rendered; its plans (queue, votes, pick) for this member in the same query,
    # kept with the member's cached page until the next write.
    reference = remembered(
        "reference-page",
        (pk, request.user.pk),
        lambda: (
            queue.with_plans(Reference.objects.select_related("added_by"), request.user).filter(pk=pk).first()
        ),
    )
    if reference is None:
        # Bookmarks, exported READMEs and feeds keep the address of a reference merged away.
        if survivor := history.successor(Reference, pk):
            return redirect("library:detail", survivor, permanent=True)
        raise Http404("No such reference.")
    # The latest readings (one more says there are more); a paper read by half the team for years
    # links to the rest in the log. Read only when the page's body is not cached (wiki/pagecache.py).
    entries = reference.log_entries.select_related("reader").prefetch_related(TAG_LIST)[: READINGS_SHOWN + 1]
    # The ideas app adds this reverse relation; library reads it without importing ideas.
    citing = reference.idea_links.select_related("idea")
    return render(
        request,
        "library/reference_detail.html",
        {
            "reference": reference,
            "entries": SimpleLazyObject(lambda: list(entries)),
            "readings_shown": READINGS_SHOWN,
            "citing": citing,
        },
    )


@require_safe
@login_required
def reference_lookup(request):
    """Search-as-you-type for reference pickers: up to 10 titles matching every word typed."""
    if url := request.GET.get("url", "").strip():
        # "Is this link already in the library?", asked while a form is being filled in.
        match = find_reference(link_from(url), "")
        matches = [match] if match else []
    else:
        query = request.GET.get("q", "").strip()
        ids = search.matching_ids(query, "reference", limit=10) if len(query) >= 2 else []
        matches = in_order(Reference.objects.all(), ids)
    return JsonResponse(
        {
            "results": [
                {
                    "id": r.pk,
                    "title": r.title,
                    "kind": r.get_kind_display(),
                    "icon": r.icon,
                    "url": r.get_absolute_url(),
                }
                for r in matches
            ]
        }
    )


@login_required
def reference_add(request):
    # The bookmarklet (and any link) may bring the page's link, title and selected text.
    form = ReferenceForm(request.POST or None, initial=_prefill(request, "url", "title", "summary"))
    if form.is_valid() and (existing := form.duplicate()):
        messages.info(request, f"“{existing}” is already in the library, so nothing was added.")
        return redirect(existing)
    form.instance.added_by = request.user

    def done(reference):
        messages.success(request, f"Added “{reference}”.")
        if form.captured:
            messages.info(request, form.captured.message)
        return redirect(reference)

    return edit_page(request, form, "library/reference_form.html", {}, done=done)


BOOKMARKLET = (
    "javascript:(()=>{{location.href='{target}?url='+encodeURIComponent(location.href)"
    "+'&title='+encodeURIComponent(document.title)+'&{selection}='+encodeURIComponent(String(getSelection()))}})()"
)


@require_safe
@login_required
def bookmarklet(request):
    """The “Save to IDL Wiki” bookmarks, made for this site's own address."""
    links = {
        name: BOOKMARKLET.format(target=request.build_absolute_uri(reverse(view)), selection=selection)
        for name, view, selection in [
            ("add_bookmarklet", "library:add", "summary"),
            ("log_bookmarklet", "library:log_add", "notes"),
        ]
    }
    return render(request, "library/bookmarklet.html", links)


def _prefill(request, *names):
    """A form's first values from the address (a bookmarklet's), within sane lengths."""
    return {name: request.GET[name][:10_000] for name in names if request.GET.get(name)}


@require_safe
@login_required
def reference_metadata(request):
    """What arXiv, Crossref or the page says of a pasted link, for the forms' script to fill in."""
    text = request.GET.get("url", "").strip()[:1000]
    if not text:
        return JsonResponse({"error": "Paste a link, an arXiv id or a DOI."}, status=400)
    try:
        found = lookup(link_from(text))
    except MetadataError as error:
        return JsonResponse({"error": str(error)}, status=200)
    return JsonResponse({"found": as_json(found)})


@login_required
def reference_edit(request, pk):
    reference = editable(request, Reference, pk=pk)

    def done(reference):
        messages.success(request, f"Saved “{reference}”.")
        return redirect(reference)

    form = ReferenceForm(request.POST or None, instance=reference)
    return edit_page(request, form, "library/reference_form.html", {"reference": reference}, done=done)


@login_required
def reference_delete(request, pk):
    reference = deletable(request, Reference, pk=pk)
    if request.method == "POST":
        try:
            changes.delete(reference, user=request.user)
        except ProtectedError:
            messages.error(
                request, "It has been read, so it cannot be deleted; merge it into another in the admin."
            )
            return redirect(reference)
        messages.success(request, f"Deleted “{reference}”. Curators can bring it back from its history.")
        return redirect("library:list")
    return render(
        request, "confirm_delete.html", {"object": reference, "cancel_url": reference.get_absolute_url()}
    )


@public_read
def log_list(request):
    filterset = SimpleLazyObject(lambda: LogEntryFilter(request.GET, queryset=LogEntry.objects.all()))
    page = lazy_page(request, lambda: filterset.qs, LogEntry.objects.with_list_data, LOG_ENTRIES_PER_PAGE)

    def swapped():
        dates = filterset.form.cleaned_data
        after, before = dates.get("after"), dates.get("before")
        if after and before and after > before:  # an empty page would say nothing was logged
            return urlencode({**request.GET.dict(), "after": before.isoformat(), "before": after.isoformat()})
        return ""

    return render(
        request,
        "library/log_list.html",
        {"filter": filterset, "page": page, "swapped_range": SimpleLazyObject(swapped)},
    )


@login_required
def log_add(request):
    form = LogEntryForm(
        request.POST or None,
        instance=LogEntry(reader=request.user),
        initial={"reference": request.GET.get("reference"), **_prefill(request, "url", "title", "notes")},
    )

    dequeued = False

    def save(form):
        # Read, so no longer to read: the reading leaves the reader's queue in the same transaction.
        nonlocal dequeued
        entry = form.save()
        dequeued = bool(queue.remove_from_queue(request.user, [entry.reference_id]))
        return entry

    def done(entry):
        if form.reference_created:
            messages.success(request, f"Logged “{entry.display_title}” and added it to the library.")
            if form.captured:
                messages.info(request, form.captured.message)
        else:
            messages.success(request, f"Logged “{entry.display_title}”.")
        if dequeued:
            messages.info(request, "It left your reading queue.")
        return redirect("library:log")

    chosen = form["reference"].value() if "reference" in form.fields else None
    reference = Reference.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return edit_page(request, form, "library/log_form.html", {"reference": reference}, save=save, done=done)


@login_required
def log_edit(request, pk):
    entry = editable(request, LogEntry.objects.select_related("reference"), pk=pk)

    def done(entry):
        messages.success(
            request, "Saved your log entry." if entry.reader == request.user else "Saved the log entry."
        )
        return redirect(entry)

    form = LogEntryForm(request.POST or None, instance=entry)
    context = {"entry": entry, "reference": entry.reference}
    return edit_page(request, form, "library/log_form.html", context, done=done)


@login_required
@require_POST
def log_delete(request, pk):
    entry = deletable(request, LogEntry.objects.select_related("reference", "reader"), pk=pk)
    changes.delete(entry, user=request.user)
    messages.success(request, "Deleted the log entry. Curators can bring it back from its history.")
    return redirect("library:log")

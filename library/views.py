import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from idlproject.access import public_read, staff_required

from . import history, search
from .bibtex import library_version, to_bibtex
from .filters import LogEntryFilter, ReferenceExportFilter, ReferenceFilter
from .forms import LogEntryForm, ReferenceForm
from .history_views import edit_conflict
from .models import TAG_LIST, LogEntry, Reference
from .services import find_reference

REFERENCES_PER_PAGE = 25
LOG_ENTRIES_PER_PAGE = 50


BIG_COUNT = 5000
BIG_COUNT_SECONDS = 120


def paginate_by_ids(request, filtered, rows, per_page):
    """A page of a long list: ids are sliced on the index, then only their rows are built.

    `filtered` decides which objects and in what order; `rows` (unfiltered, with the joins and
    annotations the page shows) builds just the page's objects. An OFFSET deep in a list of
    100,000 would otherwise compute every skipped row in full; this way page 1,000 costs
    about what page 1 does. Counts in the thousands are kept for two minutes: nobody sees
    "Page 3 of 1,742" move by one, and counting them is most of a big filter's cost.
    """
    ids = filtered.values_list("pk", flat=True)
    paginator = Paginator(ids, per_page)
    try:
        key = "count:" + hashlib.sha1(str(ids.query).encode()).hexdigest()
    except EmptyResultSet:  # a filter that can match nothing (a search with no hits)
        key = None
    if key is None or (count := cache.get(key)) is None:
        count = paginator.count
        if key and count > BIG_COUNT:
            cache.set(key, count, BIG_COUNT_SECONDS)
    paginator.count = count  # a cached_property: setting it skips the COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    found = rows.in_bulk(page_ids)
    page.object_list = [found[pk] for pk in page_ids if pk in found]
    return page


@public_read
def reference_list(request):
    filterset = ReferenceFilter(request.GET, queryset=Reference.objects.all())
    rows = Reference.objects.with_list_data().with_times_read()
    return render(
        request,
        "library/reference_list.html",
        {"filter": filterset, "page": paginate_by_ids(request, filterset.qs, rows, REFERENCES_PER_PAGE)},
    )


BIBTEX_SECONDS = 3600


@public_read
def reference_bibtex(request):
    """BibTeX of the library list as filtered: the same query string as /library/."""
    # Only the fields BibTeX uses: summaries and their HTML would be most of the bytes read.
    fields = ["kind", "title", "url", "authors", "affiliation", "published", "venue"]
    # The same list asked for again is served from the cache until any reference changes.
    key = f"bibtex:{library_version()}:{hashlib.sha1(request.GET.urlencode().encode()).hexdigest()}"
    if (text := cache.get(key)) is None:
        filterset = ReferenceExportFilter(request.GET, queryset=Reference.objects.only(*fields))
        text = to_bibtex(filterset.qs.iterator(chunk_size=500))
        cache.set(key, text, BIBTEX_SECONDS)
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="idl-library.bib"'
    return response


READINGS_SHOWN = 20


@public_read
def reference_detail(request, pk):
    reference = get_object_or_404(
        Reference.objects.select_related("added_by").prefetch_related("tags"), pk=pk
    )
    # The latest readings; a paper read by half the team for years links to the rest in the log.
    entries = list(
        reference.log_entries.select_related("reader").prefetch_related(TAG_LIST)[: READINGS_SHOWN + 1]
    )
    # The ideas app adds this reverse relation; library reads it without importing ideas.
    citing = reference.idea_links.select_related("idea")
    return render(
        request,
        "library/reference_detail.html",
        {
            "reference": reference,
            "entries": entries[:READINGS_SHOWN],
            "more_entries": len(entries) > READINGS_SHOWN,
            "citing": citing,
        },
    )


@require_safe
@login_required
def reference_lookup(request):
    """Search-as-you-type for reference pickers: up to 10 titles matching every word typed."""
    if url := request.GET.get("url", "").strip():
        # "Is this link already in the library?", asked while a form is being filled in.
        match = find_reference(url, "")
        matches = [match] if match else []
    else:
        query = request.GET.get("q", "").strip()
        ids = search.matching_ids(query, "reference", limit=10) if len(query) >= 2 else []
        found = Reference.objects.in_bulk(ids)
        matches = [found[pk] for pk in ids if pk in found]
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
    form = ReferenceForm(request.POST or None)
    if form.is_valid():
        if existing := form.duplicate():
            messages.info(request, f"“{existing}” is already in the library, so nothing was added.")
            return redirect(existing)
        form.instance.added_by = request.user
        with history.saving(form, request.user):
            reference = form.save()
        messages.success(request, f"Added “{reference}”.")
        return redirect(reference)
    return render(request, "library/reference_form.html", {"form": form})


@login_required
def reference_edit(request, pk):
    reference = get_object_or_404(Reference, pk=pk)
    form = ReferenceForm(request.POST or None, instance=reference)
    context = {"form": form, "reference": reference}
    if form.is_valid():
        try:
            with history.saving(form, request.user):
                form.save()
        except history.EditConflict as conflict:
            return edit_conflict(request, "library/reference_form.html", context, form, conflict)
        messages.success(request, f"Saved “{reference}”.")
        return redirect(reference)
    return render(request, "library/reference_form.html", context)


@staff_required
def reference_delete(request, pk):
    reference = get_object_or_404(Reference, pk=pk)
    if request.method == "POST":
        try:
            history.delete(reference, user=request.user)
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
    filterset = LogEntryFilter(request.GET, queryset=LogEntry.objects.all())
    rows = LogEntry.objects.with_list_data()
    return render(
        request,
        "library/log_list.html",
        {"filter": filterset, "page": paginate_by_ids(request, filterset.qs, rows, LOG_ENTRIES_PER_PAGE)},
    )


@login_required
def log_add(request):
    form = LogEntryForm(
        request.POST or None,
        instance=LogEntry(reader=request.user),
        initial={"reference": request.GET.get("reference")},
    )
    if form.is_valid():
        with history.saving(form, request.user):
            entry = form.save()
        if form.reference_created:
            messages.success(request, f"Logged “{entry.display_title}” and added it to the library.")
        else:
            messages.success(request, f"Logged “{entry.display_title}”.")
        return redirect("library:log")
    chosen = form["reference"].value() if "reference" in form.fields else None
    reference = Reference.objects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return render(request, "library/log_form.html", {"form": form, "reference": reference})


@login_required
def log_edit(request, pk):
    entry = get_object_or_404(LogEntry.objects.select_related("reference"), pk=pk, reader=request.user)
    form = LogEntryForm(request.POST or None, instance=entry)
    context = {"form": form, "entry": entry, "reference": entry.reference}
    if form.is_valid():
        try:
            with history.saving(form, request.user):
                form.save()
        except history.EditConflict as conflict:
            return edit_conflict(request, "library/log_form.html", context, form, conflict)
        messages.success(request, "Saved your log entry.")
        return redirect(entry)
    return render(request, "library/log_form.html", context)


@staff_required
@require_POST
def log_delete(request, pk):
    entry = get_object_or_404(LogEntry.objects.select_related("reference", "reader"), pk=pk)
    history.delete(entry, user=request.user)
    messages.success(request, "Deleted the log entry.")
    return redirect("library:log")

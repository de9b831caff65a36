"""Import and export on the site: the same code and report as the management commands.

An upload is first imported as a dry run (on SQLite, against a private copy of the database,
so members' writes go on meanwhile) and the report shown; the decoded text waits in the
session until the curator confirms, so the file is read once and imported exactly as previewed.
"""

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wiki.access import public_read, staff_required
from wiki.downloads import download
from wiki.snapshot import private_copy
from wiki.units import megabytes

from .exporter import stream_log, stream_papers
from .filters import LogEntryFilter, ReferenceExportFilter
from .formats.errors import ImportFormatError
from .importer import LibraryImporter, Source, read_file
from .models import LogEntry, Reference

SESSION_KEY = "pending-import"


class UploadForm(forms.Form):
    # The decoded text waits in the session until the curator confirms, hence a modest limit
    # (settings.IDL_MAX_IMPORT_BYTES); the commands take files of any size.
    file = forms.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.IDL_MAX_IMPORT_BYTES)
        self.fields["file"].help_text = f"As the team wrote it, in any encoding, up to {limit}."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IDL_MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"This file is {megabytes(upload.size)}; the limit is "
                f"{megabytes(settings.IDL_MAX_IMPORT_BYTES)}. A curator can import it with manage.py "
                "import_library or import_ideas."
            )
        return upload


class LibraryUploadForm(UploadForm):
    format = forms.ChoiceField(
        choices=[
            ("", "Detect it"),
            ("papers", "Papers README"),
            ("log", "Reading log"),
            ("links", "Any markdown: every link a reference"),
        ],
        required=False,
    )
    reader = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Whose reading log it is (a log needs one).",
    )


def library_import(request, text, filename, options, dry_run):
    """Run the library importer on decoded text; returns its report."""
    reader = get_user_model().objects.filter(pk=options.get("reader")).first()
    source = Source.from_text(text, filename, options.get("format"))
    return LibraryImporter(reader=reader, dry_run=dry_run).run([source])


class ImportPage:
    """An upload → preview → confirm page; the ideas app makes one for its file too."""

    def __init__(self, *, form_class, run, title, template="library/import.html", back_url="library:list"):
        self.form_class, self.run, self.title = form_class, run, title
        self.template, self.back_url = template, back_url

    def __call__(self, request):
        if request.method == "POST" and "confirm" in request.POST:
            return self.confirm(request)
        form = self.form_class(
            request.POST or None, request.FILES or None, initial={"reader": request.user.pk}
        )
        context = {"form": form, "title": self.title}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            options = {
                name: getattr(value, "pk", value)
                for name, value in form.cleaned_data.items()
                if name != "file" and value not in (None, "")
            }
            try:
                text, notes = read_file(upload.read(), upload.name)
                # Not on the live database: members' writes go on while the preview runs.
                with private_copy():
                    report = self.run(request, text, upload.name, options, dry_run=True)
            except ImportFormatError as error:
                form.add_error("file", f"{error}. Nothing was imported.")
            else:
                report.notes[:0] = notes
                token = secrets.token_urlsafe(16)
                request.session[SESSION_KEY] = {
                    "token": token,
                    "text": text,
                    "filename": upload.name,
                    "options": options,
                    "kind": self.title,
                }
                context.update(report=report, token=token, filename=upload.name)
        return render(request, self.template, context)

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("token") or pending["kind"] != self.title:
            messages.error(request, "That preview has expired; upload the file again.")
            return redirect(request.path)
        try:
            report = self.run(
                request, pending["text"], pending["filename"], pending["options"], dry_run=False
            )
        except ImportFormatError as error:  # the library changed since the preview
            messages.error(request, f"{error}. Nothing was imported.")
            return redirect(request.path)
        del request.session[SESSION_KEY]
        messages.success(request, f"Imported {pending['filename']}. {report.summary()}")
        return render(
            request, self.template, {"report": report, "done": True, "title": self.title, "form": None}
        )


library_import_page = staff_required(
    require_http_methods(["GET", "POST"])(
        ImportPage(form_class=LibraryUploadForm, run=library_import, title="Import papers or a reading log")
    )
)


def markdown_download(texts, filename):
    return download(texts, "text/markdown", filename)


@public_read
def papers_download(request):
    """The filtered library as the team's papers README: the same query string as /library/."""
    references = ReferenceExportFilter(request.GET, queryset=Reference.objects.all()).qs
    return markdown_download(stream_papers(references), "papers.md")


@public_read
def log_download(request):
    """The filtered reading log in the team's format: the same query string as /log/."""
    entries = LogEntryFilter(request.GET, queryset=LogEntry.objects.all()).qs
    return markdown_download(stream_log(entries), "reading-log.md")

"""The ideas file on the site: upload (preview, then confirm) and download."""

from django.views.decorators.http import require_http_methods

from library.transfer import ImportPage, UploadForm, markdown_download
from wiki.access import public_read, staff_required

from .exporter import export_ideas
from .importer import import_ideas


def run_ideas_import(request, text, filename, options, dry_run):
    return import_ideas(text, filename, proposer=request.user, dry_run=dry_run)


ideas_import_page = staff_required(
    require_http_methods(["GET", "POST"])(
        ImportPage(form_class=UploadForm, run=run_ideas_import, title="Import the ideas file")
    )
)


@public_read
def ideas_download(request):
    return markdown_download([export_ideas()], "ideas.md")

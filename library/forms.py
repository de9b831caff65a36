import re

from django import forms
from django.utils import timezone
from taggit.forms import TagWidget

from wiki.forms import VersionedModelForm

from .capture import NotFound, capture
from .identity import is_web_link, link_from
from .models import Kind, LogEntry, Reference, validate_reference_url
from .services import find_reference, resolve_reference

LINK_HELP = (
    "A link, an arXiv id (1706.03762) or a DOI (10.1038/nature14539); or a path such as ./projects/fnn."
)


def _capture(form, url):
    """The link's source's fields for a new reference (library/capture.py), kept as
    `form.captured`; None, with an error on the title, when the source knows nothing of it."""
    try:
        form.captured = capture(url)
    except NotFound as error:
        form.add_error("title", f"{error} Give it a title.")
    return form.captured


class LinkField(forms.CharField):
    """A link as pasted: arXiv ids, DOIs and links without https:// become the link they name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"data-check-url": ""}))
        super().__init__(**{"label": "URL", "help_text": LINK_HELP, "required": False, **kwargs})

    def to_python(self, value):
        return link_from(super().to_python(value))


class ReferenceForm(VersionedModelForm):
    captured = None  # what the link's source filled in (see clean)

    class Meta:
        model = Reference
        fields = ["kind", "title", "url", "authors", "affiliation", "published", "venue", "summary", "tags"]
        widgets = {
            "published": forms.DateInput(attrs={"type": "date"}),
            "authors": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 8, "data-markdown": ""}),
            "tags": TagWidget(attrs={"data-tags": ""}),
        }
        field_classes = {"url": LinkField}
        help_texts = {"tags": "Comma-separated, e.g. interpretability, sparse autoencoders."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = LINK_HELP
        if not self.instance.pk:
            # A link alone is enough: saving goes to the library's reference, or fills in a new
            # one from the link's source (see clean); the page's script fills in as you paste.
            self.fields["title"].required = False
            self.fields["url"].widget.attrs["data-capture"] = ""

    def save(self, commit=True):
        if "title" in self.changed_data:
            self.instance.needs_title = False
        return super().save(commit)

    def duplicate(self):
        """An existing reference this form would duplicate (same arXiv id, url or title)."""
        data = self.cleaned_data
        existing = find_reference(data.get("url", ""), data.get("title", ""))
        if existing and existing.pk != self.instance.pk:
            return existing
        return None

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("title") and "title" not in self.errors:
            url = cleaned.get("url", "")
            if url and (known := find_reference(url, "")):
                cleaned["title"] = known.title  # the view takes the member to it
            elif is_web_link(url):
                if captured := _capture(self, url):
                    # What the member left empty; the link and kind as the source has them.
                    for name, value in captured.fields.items():
                        if name in ("url", "kind") or not cleaned.get(name):
                            cleaned[name] = value
                    self.instance.needs_title = captured.needs_title
            else:
                self.add_error("title", "Give it a title: the library does not have this link yet.")
        # Adding a duplicate redirects to the original (see the view); editing one into a
        # duplicate is refused here, since that is a merge, which curators do.
        if self.instance.pk and not self.errors and (other := self.duplicate()):
            raise forms.ValidationError(
                "“%(title)s” (#%(pk)s) already has this link or title. Ask a curator to merge them.",
                params={"title": other.title, "pk": other.pk},
                code="duplicate",
            )
        return cleaned


class LogEntryForm(VersionedModelForm):
    """Log a reading: of a reference already chosen, or of one named here by title and link.

    The instance must carry its reader (the view sets it), so duplicates can be caught here.
    """

    captured = None  # what the link's source filled in for a new reference (see clean)
    moved_to = None  # the reference an edit moves the reading to (see clean)

    reference = forms.ModelChoiceField(
        queryset=Reference.objects.all(), required=False, widget=forms.HiddenInput
    )
    title = forms.CharField(
        max_length=500, required=False, help_text="Matched to the library by link, then by title."
    )
    url = LinkField(max_length=1000, validators=[validate_reference_url])
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.PAPER)

    class Meta:
        model = LogEntry
        fields = ["reference", "read_on", "notes", "tags"]
        widgets = {
            "read_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 8, "data-markdown": ""}),
            "tags": TagWidget(attrs={"data-tags": ""}),
        }

    field_order = ["reference", "title", "url", "kind", "read_on", "notes", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference_created = False
        if not self.instance.pk:
            # The blank instance puts read_on=None in self.initial, which would win over a field initial.
            self.initial["read_on"] = self.initial.get("read_on") or timezone.localdate()
            self.fields["url"].widget.attrs["data-capture"] = ""
            if self.data.get("reference") or self.initial.get("reference"):
                # The reference is chosen: only a different title as logged is asked for.
                del self.fields["url"], self.fields["kind"]
                self.fields["title"].label = "Title as logged"
                self.fields[
                    "title"
                ].help_text = "Only if what you read has its own title, e.g. “(Lectures 9-13)”."
        else:
            # The title field edits the title as logged; a reading logged against the wrong
            # reference moves to another one the library has.
            del self.fields["url"], self.fields["kind"], self.fields["reference"]
            self.fields["title"].initial = self.instance.display_title
            self.fields["title"].help_text = "The title as you logged it."
            self.fields["move_to"] = forms.CharField(
                label="Move to another reference",
                required=False,
                max_length=1000,
                help_text="If this is a reading of another paper: its link, arXiv id, DOI, title or #number.",
            )
            self.order_fields(["title", "move_to", "read_on", "notes", "tags"])

    def clean_move_to(self):
        text = self.cleaned_data["move_to"].strip()
        if not text:
            return None
        if number := re.fullmatch(r"#?(\d{1,18})", text):
            target = Reference.objects.filter(pk=number[1]).first()
        else:
            target = find_reference(link_from(text), text)
        if target is None:
            raise forms.ValidationError(
                "The library has no reference by that link, title or number: add it first."
            )
        return target

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title", "").strip()
        reference = self.instance.reference if self.instance.pk else cleaned.get("reference")
        if self.instance.pk and (target := cleaned.get("move_to")) and target != reference:
            if title == self.instance.display_title:
                title = ""  # the old reference's title: the reading takes the new one's
            reference = self.moved_to = target
        if reference is None:
            url = cleaned.get("url", "")
            if not title and not (url and (reference := find_reference(url, ""))):
                if not is_web_link(url):
                    message = "Name what you read: a title (and a link if it has one)."
                    if url:
                        message = "The library does not have this link yet: give it a title too."
                    self.add_error("title", message)
                    return cleaned
                if not (captured := _capture(self, url)):
                    return cleaned
                cleaned["url"] = url = captured.fields["url"]
                cleaned["title"] = title = captured.fields["title"]
            reference = reference or find_reference(url, title)
        self.logged_title = title if reference is None or title != reference.title else ""
        if reference is not None and cleaned.get("read_on"):
            twins = LogEntry.objects.filter(
                reader=self.instance.reader,
                reference=reference,
                read_on=cleaned["read_on"],
                logged_title=self.logged_title,
            ).exclude(pk=self.instance.pk)
            if twins.exists():
                self.add_error(None, f"You already logged “{reference}” on that day.")
        return cleaned

    def save(self, commit=True):
        entry = super().save(commit=False)
        if not entry.pk and entry.reference_id is None:
            found = self.captured.fields if self.captured else {}
            entry.reference, self.reference_created = resolve_reference(
                url=self.cleaned_data["url"],
                title=self.cleaned_data["title"].strip(),
                kind=found.get("kind") or self.cleaned_data["kind"],
                added_by=entry.reader,
                details=found,
                needs_title=bool(self.captured and self.captured.needs_title),
            )
        entry.logged_title = self.logged_title
        if self.moved_to:
            entry.reference = self.moved_to
        if commit:
            entry.save()
            self.save_m2m()
        return entry

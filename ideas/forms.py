from django import forms
from taggit.forms import TagWidget

from wiki.forms import VersionedModelForm
from wiki.text import clean_text, is_blank

from .models import RESERVED_SLUGS, Comment, Idea, IdeaReference
from .services import fill_in, parse_reference_lines


class IdeaForm(VersionedModelForm):
    add_references = forms.CharField(
        label="Add references",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-reference-picker": ""}),
        help_text=(
            "One per line: a link, a library title or #id, optionally followed by “| note”. "
            "A link the library does not have yet becomes a new reference."
        ),
    )

    class Meta:
        model = Idea
        fields = ["title", "status", "area", "body", "tags", "slug"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10, "data-markdown": ""}),
            "tags": TagWidget(attrs={"data-tags": ""}),
        }
        help_texts = {"tags": "Comma-separated, e.g. interpretability, safety."}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                "“%(slug)s” is a page of the site; choose another.", params={"slug": slug}
            )
        return slug

    def clean_add_references(self):
        specs, errors = parse_reference_lines(self.cleaned_data["add_references"])
        if errors:
            raise forms.ValidationError(errors)
        fill_in(specs)  # here, before the save's transaction: a slow source holds no lock
        self.reference_specs = specs
        return self.cleaned_data["add_references"]


ReferenceLinkFormSet = forms.inlineformset_factory(
    Idea,
    IdeaReference,
    fields=["note"],
    extra=0,
    can_delete=True,
    widgets={"note": forms.TextInput(attrs={"placeholder": "Why it is cited"})},
)


class CommentForm(VersionedModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "data-markdown": ""})}
        error_messages = {"body": {"required": "Write something before posting."}}

    def clean_body(self):
        # Only zero-width spaces, bidi controls or tag characters would post an empty-looking comment.
        body = clean_text(self.cleaned_data["body"])
        if is_blank(body):
            raise forms.ValidationError("Write something before posting.", code="required")
        return body

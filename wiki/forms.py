from django import forms

from .history import version_of
from .rendering import MarkdownTooComplex, render_markdown_or_refuse


class VersionedModelForm(forms.ModelForm):
    """A form that remembers which version of its object it was opened on (see wiki.editing)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)

    def clean(self):
        """Render the markdown fields now, outside the save's transaction (the model's save
        finds the HTML already made for the same text), and refuse text too complex to render."""
        cleaned = super().clean()
        for name in getattr(self._meta.model, "markdown_fields", {}):
            if name in self.fields and cleaned.get(name):
                try:
                    render_markdown_or_refuse(cleaned[name])
                except MarkdownTooComplex as refused:
                    self.add_error(name, forms.ValidationError(str(refused), code="too_complex"))
        return cleaned

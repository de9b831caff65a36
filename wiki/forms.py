from django import forms

from .history import version_of
from .rendering import MarkdownTooComplex, render_markdown_or_refuse
from .text import clean_text


class VersionedModelForm(forms.ModelForm):
    """A form that remembers which version of its object it was opened on (see wiki.editing)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)

    def clean(self):
        """Clean what a member wrote and render the markdown fields now, outside the save's
        transaction (the model's save finds the HTML already made for the same text), refusing
        text too complex to render."""
        cleaned = super().clean()
        # Bidi controls and tag characters come out of everything a member writes (wiki/text.py).
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_text(value)
        for name in getattr(self._meta.model, "markdown_fields", {}):
            if name in self.fields and cleaned.get(name):
                try:
                    render_markdown_or_refuse(cleaned[name])
                except MarkdownTooComplex as refused:
                    self.add_error(name, forms.ValidationError(str(refused), code="too_complex"))
        return cleaned

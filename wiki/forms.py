from django import forms

from .history import version_of
from .text import clean_text


class VersionedModelForm(forms.ModelForm):
    """A form that remembers which version of its object it was opened on (see wiki.editing)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)

    def clean(self):
        # Bidi controls and tag characters come out of everything a member writes (wiki/text.py).
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_text(value)
        return cleaned

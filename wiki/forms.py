from django import forms

from .history import version_of


class VersionedModelForm(forms.ModelForm):
    """A form that remembers which version of its object it was opened on (see wiki.editing)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)

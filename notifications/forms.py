from django import forms

from .models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["mention", "comment", "reading", "status", "team"]
        labels = {
            "mention": "Somebody mentions you",
            "comment": "A new comment on something you watch",
            "reading": "Somebody reads a reference you watch",
            "status": "An idea you joined changes status",
            "team": "What the team read, new references and ideas",
        }
        widgets = dict.fromkeys(fields, forms.RadioSelect)

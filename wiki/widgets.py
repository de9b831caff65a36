"""Form widgets written in Python where Django renders templates: for the list pages' filters.

Django's Select renders each option through its own template; the library's "added by" menu
of fifty members made the filter form a third of the list page's time.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """forms.Select, the same HTML, without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [*iter(self.choices)]  # list() would COUNT a queryset first
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's own way
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        options, chose = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            # As Django's: a single select marks only the first option with the value.
            mark = text in selected and (self.allow_multiple_selected or not chose)
            chose = chose or mark
            attr = " selected" if mark else ""
            options.append(f'\n  <option value="{escape(text)}"{attr}>{escape(label)}</option>\n')
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{"".join(options)}\n</select>')


class FastWidgetsMixin:
    """For a FilterSet: its form's plain selects render with FastSelect."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.__class__ = FastSelect
        return form

"""The site's and the admin's login forms and the password reset, throttled (see throttle.py)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError

from .throttle import LoginThrottle, ResetThrottle, client_address


class ThrottledLoginMixin:
    refusal = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (username and password):  # a field is missing: no password is tried
            return super().clean()
        throttle = LoginThrottle(username, client_address(self.request))
        # Counted and checked before the password: while locked, or while as many attempts as
        # the limit allows are still being checked, even the right password is not tried.
        self.refusal = throttle.begin()
        if self.refusal:
            raise ValidationError(self.refusal.message(), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            # Only a wrong password counts; a right one refused for another reason (an account
            # that is not staff, on the admin's login) is not a guess.
            if self.user_cache is None:
                throttle.failed()
            else:
                throttle.abandon()
            raise
        except BaseException:
            throttle.abandon()
            raise
        throttle.succeeded()
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.refusal:
            response.status_code = 429
            response["Retry-After"] = str(form.refusal.seconds)
        return response


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset page, with mails limited per e-mail address typed and per client address.

    Past a limit the page says so (HTTP 429) and sends nothing; it does for an address no
    account uses just the same, so it never tells who has an account.
    """

    def form_valid(self, form):
        refusal = ResetThrottle(form.cleaned_data["email"], client_address(self.request)).begin()
        if refusal is None:
            return super().form_valid(form)
        form.add_error(None, refusal.message())
        response = self.form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(refusal.seconds)
        return response

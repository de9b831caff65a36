import re

import pytest
from django.test import Client
from django.urls import path

from idlproject.urls import urlpatterns as site_urlpatterns

from .html_checks import SITE_ELEMENTS, xss_findings

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("secret detail that must not leak")


urlpatterns = [*site_urlpatterns, path("boom/", boom)]


def test_404_is_in_the_site_style(member_client):
    response = member_client.get("/library/999999/")
    assert response.status_code == 404
    assert b"There is nothing at this address" in response.content and b"IDL Wiki" in response.content


def test_403_is_in_the_site_style(member_client, make_reference):
    response = member_client.get(f"/library/{make_reference().pk}/delete/")
    assert response.status_code == 403 and b"You do not have permission" in response.content


@pytest.mark.urls(__name__)
def test_500_leaks_nothing_and_is_logged(member, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret detail" not in response.content and b"Traceback" not in response.content
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and "secret detail" in str(record.exc_info[1])


def test_413_is_in_the_site_style(member_client):
    response = member_client.post(
        "/log/add/", b"notes=" + b"x" * (3 * 2**20), content_type="application/x-www-form-urlencoded"
    )
    page = response.content.decode()
    assert response.status_code == 413
    assert '<p class="kind">Error 413</p>' in page and "Request too large" in page and "IDL Wiki" in page


# Production settings in a fresh process, so the LOGGING that gunicorn would use is the one tested.
FAILING_VIEW = """
import sys, types, django
django.setup()
from django.db import connection
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.test.utils import override_settings
from django.urls import path

@login_not_required
def boom(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 AS secret_column")
    raise RuntimeError("secret detail that must not leak")

urls = types.ModuleType("boom_urls")
urls.urlpatterns = [path("boom/", boom)]
sys.modules["boom_urls"] = urls
with override_settings(ROOT_URLCONF="boom_urls", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).get("/boom/", secure=True)
print(response.status_code)
print(response.content.decode())
"""


def test_a_500_in_production_logs_its_traceback_and_shows_none_of_it(tmp_path):
    from .test_settings import PRODUCTION_ENV, run_python

    result = run_python(FAILING_VIEW, PRODUCTION_ENV, tmp_path)

    status, _, page = result.stdout.partition("\n")
    assert status == "500", result.stderr
    assert "Something went wrong" in page
    for leak in [
        "secret detail",
        "Traceback",
        "secret_column",
        "SELECT",
        PRODUCTION_ENV["SECRET_KEY"],
        "DATABASES",
    ]:
        assert leak not in page
    log = result.stderr
    assert "ERROR django.request: Internal Server Error: /boom/" in log
    assert (
        "Traceback (most recent call last)" in log and "RuntimeError: secret detail that must not leak" in log
    )
    assert log.count("Internal Server Error") == 1  # logged once, not once per handler


def test_an_expired_form_keeps_what_was_typed_on_the_sites_page(member):
    """A CSRF failure: the site's page (no inline styles, which the CSP blocks), the text to copy."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/log/add/")  # the form's page set a CSRF cookie; the form's token is then stale
    notes = "Two pages of notes <b>with</b> & markup\nover several lines"

    response = client.post(
        "/log/add/",
        {
            "csrfmiddlewaretoken": "x" * 32,
            "url": "https://arxiv.org/abs/1706.03762",
            "notes": notes,
            "password": "never-shown",
        },
        HTTP_REFERER="http://testserver/log/add/",
    )
    page = response.content.decode()

    assert response.status_code == 403
    assert "This form had expired" in page and "Nothing was saved" in page
    assert "IDL Wiki" in page  # the site's own template
    assert "<style" not in page and "style=" not in page
    # What was typed, escaped, read-only, outside any form and nameless: never sent again.
    assert re.search(
        r'<textarea id="typed-\d+" readonly[^>]*>Two pages of notes &lt;b&gt;with&lt;/b&gt; &amp; markup',
        page,
    )
    assert 'name="notes"' not in page and 'name="url"' not in page
    assert "https://arxiv.org/abs/1706.03762" in page
    assert "never-shown" not in page and "x" * 32 not in page
    assert '<a href="http://testserver/log/add/">open the page again</a>' in page  # a fresh form
    assert not xss_findings(page, allowed_tags=SITE_ELEMENTS, site_scripts=True)


def test_an_expired_form_from_elsewhere_links_back_to_its_own_page(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/log/add/", {"notes": "x"}, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
    assert '<a href="/log/add/">open the page again</a>' in response.content.decode()

import pytest
from django.test import Client
from django.urls import path

from idlproject.urls import urlpatterns as site_urlpatterns

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

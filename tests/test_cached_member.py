"""The member behind a session is kept in the cache between writes (idlproject/members.py):
a repeat visit reads no row, and what changes a member counts from their next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    client.get("/")  # their row is now kept
    return client


def test_a_repeat_visit_reads_no_member_row(member, django_assert_num_queries):
    client = logged_in(member)
    with django_assert_num_queries(0):
        assert client.get("/").context["user"] == member


def test_a_deactivated_member_is_logged_out_at_their_next_request(member):
    client = logged_in(member)
    member.is_active = False
    member.save()
    response = client.get("/ideas/new/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_password_changed_elsewhere_ends_the_other_sessions(member):
    client = logged_in(member)
    member.set_password("a-new-long-passphrase")
    member.save()
    response = client.get("/ideas/new/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_new_role_counts_at_once(member):
    client = logged_in(member)
    assert reverse("admin:index") not in client.get("/").content.decode()
    member.is_staff = True
    member.save()
    assert reverse("admin:index") in client.get("/").content.decode()


def test_a_permission_given_through_a_group_counts_at_once(member, make_reference):
    client = logged_in(member)
    member.is_staff = True
    member.save()
    assert client.get(reverse("admin:library_reference_changelist")).status_code == 403
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="view_reference"))
    member.groups.add(editors)
    assert client.get(reverse("admin:library_reference_changelist")).status_code == 200

"""`__any_of`: the rows whose field is one of the ids, as `__in` finds them, in one parameter on
PostgreSQL."""

import pytest
from django.db import connection

from library.models import Reference

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds(make_reference):
    papers = [make_reference(title=f"Paper {n}") for n in range(5)]
    wanted = [papers[0].pk, papers[3].pk, 10**12]  # an id no row has is no trouble
    assert set(Reference.objects.filter(pk__any_of=wanted)) == set(Reference.objects.filter(pk__in=wanted))
    assert set(Reference.objects.filter(pk__any_of=wanted)) == {papers[0], papers[3]}
    assert not Reference.objects.filter(pk__any_of=[]).exists()
    assert Reference.objects.exclude(pk__any_of=wanted).count() == 3


def test_thousands_of_ids_are_one_parameter_on_postgresql(make_reference):
    paper = make_reference()
    ids = [paper.pk, *range(10**9, 10**9 + 5000)]
    sql, params = Reference.objects.filter(pk__any_of=ids).values_list("pk").query.sql_with_params()
    assert list(Reference.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == [paper.pk]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and len(params) == 1
    else:
        assert len(params) == len(ids)

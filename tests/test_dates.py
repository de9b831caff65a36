from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone

TEMPLATE = Template('{% load dates %}{% when moment "meta" %}')


def render(moment):
    return TEMPLATE.render(Context({"moment": moment}))


def test_recent_moments_read_relative_with_the_exact_time_on_hover():
    now = timezone.now()

    assert ">just now</time>" in render(now - timedelta(seconds=20))
    three_hours = render(now - timedelta(hours=3, minutes=5))
    assert ">3\xa0hours ago</time>" in three_hours
    assert 'class="meta"' in three_hours
    assert (
        f'title="{timezone.localtime(now - timedelta(hours=3, minutes=5)):%A, %B %-d, %Y, %H:%M}'
        in three_hours
    )


def test_old_moments_show_their_date_and_none_shows_nothing():
    moment = timezone.now() - timedelta(days=90)

    assert f">{timezone.localtime(moment):%b %-d, %Y}</time>" in render(moment)
    assert render(None) == ""

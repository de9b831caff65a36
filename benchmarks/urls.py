"""The site's URLs plus one benchmark-only view: the framework's floor on this machine.

`/bench/bare/` renders a 50-row table from a template without touching the database (no
session, no user), so requests per second of a real page can be compared with what Django
and gunicorn manage here at best. It exists only in this URLconf, never on the site.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import include, path

ROWS = [
    {
        "number": i,
        "title": f"Row {i}: a title about as long as a reference's",
        "who": f"member{i % 50 + 1:02d}",
    }
    for i in range(1, 51)
]


@login_not_required
def bare(request):
    return render(request, "benchmarks/bare.html", {"rows": ROWS})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("idlproject.urls")),
]

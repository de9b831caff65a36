"""The pages of what the team means to read: a member's queue, the team's "up next" and its picks.

Every change is a POST a member makes for themselves: the queue's URLs name a reference, and
only the member's own item for it is found (another's queue is out of reach by construction).
Picks are the curators'.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from wiki.access import back_to, public_read, staff_required

from . import queue
from .models import Pick, QueueItem, Reference


@login_required
@require_safe
def queue_page(request):
    return render(request, "library/queue.html", {"items": list(queue.queue_of(request.user))})


@login_required
@require_POST
def queue_add(request, pk):
    reference = get_object_or_404(Reference.objects.only("title"), pk=pk)
    try:
        added = queue.add_to_queue(request.user, reference)
    except queue.QueueFull as full:
        messages.error(request, str(full))
        return back_to(request, reference.get_absolute_url())
    if added:
        messages.success(request, f"Added “{reference}” to your reading queue.")
    else:
        messages.info(request, f"“{reference}” is already in your reading queue.")
    return back_to(request, reference.get_absolute_url())


def _own_item(request, pk):
    """The member's own queue item for reference `pk`: 404 when it is not in their queue."""
    item = QueueItem.objects.select_related("reference").filter(member=request.user, reference=pk).first()
    if item is None:
        raise Http404("That is not in your reading queue.")
    return item


@login_required
@require_POST
def queue_remove(request, pk):
    item = _own_item(request, pk)
    queue.remove_from_queue(request.user, [item.reference_id])
    messages.success(request, f"Took “{item.reference}” off your reading queue.")
    return back_to(request, "library:queue")


STEPS = {"up": -1, "down": 1}


@login_required
@require_POST
def queue_move(request, pk):
    item = _own_item(request, pk)
    step = STEPS.get(request.POST.get("direction", ""))
    if step is None:
        messages.error(request, "Move it up or down.")
    elif not queue.move_in_queue(request.user, item.pk, step):
        messages.info(request, f"“{item.reference}” is already at the {'top' if step < 0 else 'bottom'}.")
    return redirect(f"{back_to(request, 'library:queue').url}#queue-{item.reference_id}")


# The team's "up next"


class PickForm(forms.ModelForm):
    class Meta:
        model = Pick
        fields = ["session"]
        widgets = {"session": forms.DateInput(attrs={"type": "date"})}


@public_read
def up_next_page(request):
    candidates = list(queue.up_next(request.user))
    voters = queue.voters_of(candidates)
    for reference in candidates:
        reference.voter_names = voters.get(reference.pk, [])
    upcoming, past = queue.picks()
    return render(
        request,
        "library/up_next.html",
        {
            "candidates": candidates,
            "upcoming": upcoming,
            "past": past,
            "pick_form": PickForm() if request.user.is_staff else None,
        },
    )


@login_required
@require_POST
def up_next_vote(request, pk):
    reference = get_object_or_404(Reference.objects.only("title"), pk=pk)
    if queue.toggle_vote(request.user, reference):
        messages.success(request, f"You voted to read “{reference}” together.")
    else:
        messages.info(request, f"You took back your vote for “{reference}”.")
    return back_to(request, "library:up_next")


@staff_required
@require_POST
def pick(request, pk):
    reference = get_object_or_404(Reference.objects.only("title"), pk=pk)
    form = PickForm(request.POST, instance=Pick(reference=reference, picked_by=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, f"“{reference}” is the pick for {form.instance.session:%b %-d, %Y}.")
    else:
        messages.error(request, f"Not picked: {_pick_refusal(form)}")
    return back_to(request, "library:up_next")


def _pick_refusal(form):
    if form.has_error("session", "unique"):
        taken = Pick.objects.select_related("reference").filter(session=form.data["session"]).first()
        if taken:
            return f"the session of {taken.session:%b %-d, %Y} already has its pick, “{taken.reference}”; unmark it first."
    return " ".join(form.errors.get("session", form.errors.get("__all__", ["that date cannot be used."])))


@staff_required
@require_POST
def unpick(request, pk):
    chosen = get_object_or_404(Pick.objects.select_related("reference"), pk=pk)
    chosen.delete()
    messages.success(request, f"“{chosen.reference}” is no longer the pick for {chosen.session:%b %-d, %Y}.")
    return back_to(request, "library:up_next")

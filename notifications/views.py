from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from ideas.models import Idea
from library.models import Reference

from . import digest, inbox
from .forms import PreferencesForm
from .models import Kind, Notification, Period
from .outbox import preferences_for, read_unsubscribe_token, unsubscribe

PER_PAGE = 50
SUBJECTS = {"idea": Idea, "reference": Reference}


@login_required
@require_safe
def inbox_page(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related("actor")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.unread()
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_safe
def open_notification(request, pk):
    """Follow a notification to what it is about; following it reads it."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        inbox.mark_read(request.user, [notification.pk])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        raise Http404("This notification has no page to go to.")
    return redirect(notification.url)


@login_required
@require_POST
def mark_one_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    inbox.mark_read(request.user, [notification.pk])
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = inbox.mark_read(request.user)
    messages.success(request, f"Marked {count} notification{'' if count == 1 else 's'} read.")
    return redirect("notifications:inbox")


@login_required
@require_POST
def toggle_watch_view(request, kind, pk):
    if kind not in SUBJECTS:
        raise Http404("Only ideas and references are watched.")
    subject = get_object_or_404(SUBJECTS[kind], pk=pk)
    if inbox.toggle_watch(request.user, subject):
        messages.success(request, f"You watch “{subject.title}”: new comments will be in your notifications.")
    else:
        messages.info(request, f"You no longer watch “{subject.title}”.")
    return redirect(subject)


@login_required
def settings_page(request):
    form = PreferencesForm(request.POST or None, instance=preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved how you hear from the wiki.")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_required
@require_safe
def digest_page(request):
    period = request.GET.get("period") or Period.WEEK
    if period not in Period.values:
        return HttpResponseBadRequest("period is day or week.")
    prefs = preferences_for(request.user)
    since, until = digest.window_for(request.user, period, timezone.now())
    shown = digest.build(request.user, period, since, until, prefs)
    return render(
        request,
        "notifications/digest.html",
        {"digest": shown, "periods": Period.choices, "wants": digest.wants(prefs, period)},
    )


@login_required
@require_safe
def member_lookup(request):
    """Usernames for @-mention autocomplete: active members whose name starts with what was typed."""
    typed = request.GET.get("q", "").strip().lstrip("@")[:150]
    members = get_user_model().objects.filter(is_active=True)
    if typed:
        members = members.filter(username__istartswith=typed)
    names = list(members.order_by("username").values_list("username", flat=True)[:8])
    return JsonResponse({"results": names})


@login_not_required
@csrf_exempt  # the signed token is the authority; mail programs POST here with no form (RFC 8058)
def unsubscribe_page(request, token):
    found = read_unsubscribe_token(token)
    member = found and get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if not member:
        raise Http404("This unsubscribe link is not valid.")
    what = found[1]
    label = Kind(what).label.lower() if what in Kind.values else f"the {Period(what).label.lower()} digest"
    context = {"member": member, "label": label, "done": False}
    if request.method == "POST":
        prefs = preferences_for(member)
        unsubscribe(prefs, what)
        prefs.save()
        context["done"] = True
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseBadRequest("GET or POST.")
    return render(request, "notifications/unsubscribe.html", context)

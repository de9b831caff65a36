"""Failed logins are slowed, then locked, per (account, address), per account and per address."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory

from idlproject.login import ThrottledAuthenticationForm
from idlproject.throttle import LoginThrottle, client_address

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
HOME = "192.0.2.10"


@pytest.fixture
def throttle(settings):
    """The settings' numbers, with the slow-down off unless a test turns it on."""
    settings.IDL_LOGIN_THROTTLE = {**settings.IDL_LOGIN_THROTTLE, "slow_after": 10**6}
    return settings.IDL_LOGIN_THROTTLE


def attempt(client, username, password, address=HOME, url=LOGIN_URL):
    client.logout()
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def fail(client, username, times, address=HOME):
    for _ in range(times):
        response = attempt(client, username, "wrong-password", address)
        assert response.status_code == 200, "refused before the password was even tried"
        assert "Please enter a correct username and password" in response.content.decode()


def test_wrong_passwords_lock_the_account_from_that_address(client, member, throttle):
    fail(client, "member", throttle["pair_limit"])

    response = attempt(client, "member", PASSWORD)

    assert response.status_code == 429 and not logged_in(response)
    assert (
        "Too many failed attempts for this account from your address; try again in 15 minutes."
        in response.content.decode()
    )
    assert response["Retry-After"] == str(15 * 60)
    # The account works from elsewhere: the lock is on this address's guesses.
    assert logged_in(attempt(client, "member", PASSWORD, address="198.51.100.7"))


def test_a_few_failures_slow_the_next_attempt_before_the_lock(client, member, settings):
    config = settings.IDL_LOGIN_THROTTLE
    fail(client, "member", config["slow_after"])

    response = attempt(client, "member", PASSWORD)

    assert response.status_code == 429 and not logged_in(response)
    assert "try again in 5 seconds" in response.content.decode()
    assert config["slow_after"] < config["pair_limit"]


def test_other_addresses_work_until_the_account_wide_threshold(client, member, throttle):
    per_address = throttle["pair_limit"] - 1
    addresses = [f"203.0.113.{n}" for n in range(1, 100)]
    failures = 0
    while failures + per_address < throttle["account_limit"]:
        fail(client, "member", per_address, addresses.pop())
        failures += per_address
    # Just under the threshold, the member can still log in from a new address.
    assert logged_in(attempt(client, "member", PASSWORD, addresses.pop()))

    fail(client, "member", throttle["account_limit"] - failures, addresses.pop())

    response = attempt(client, "member", PASSWORD, addresses.pop())
    assert response.status_code == 429 and not logged_in(response)
    assert "Too many failed attempts for this account; try again in 5 minutes." in response.content.decode()


def test_the_account_wide_lock_spares_an_address_the_member_used_before(client, member, throttle):
    assert logged_in(attempt(client, "member", PASSWORD, HOME))
    for n in range(throttle["account_limit"]):
        attempt(client, "member", "wrong-password", f"203.0.113.{n + 1}")
    assert attempt(client, "member", PASSWORD, "198.51.100.99").status_code == 429

    assert logged_in(attempt(client, "member", PASSWORD, HOME))


def test_the_lock_expires(client, member, settings):
    settings.IDL_LOGIN_THROTTLE = {
        **settings.IDL_LOGIN_THROTTLE,
        "slow_after": 10**6,
        "pair_limit": 2,
        "pair_lock": 1,
    }
    fail(client, "member", 2)
    response = attempt(client, "member", PASSWORD)
    assert response.status_code == 429 and "try again in 1 second." in response.content.decode()

    time.sleep(1.1)

    assert logged_in(attempt(client, "member", PASSWORD))


def test_a_successful_login_clears_the_failures(client, member, throttle):
    fail(client, "member", throttle["pair_limit"] - 1)
    assert logged_in(attempt(client, "member", PASSWORD))

    # Without the reset these would reach the limit and lock the pair.
    fail(client, "member", throttle["pair_limit"] - 1)

    assert logged_in(attempt(client, "member", PASSWORD))


def test_one_address_guessing_many_accounts_is_locked_out(client, member, throttle):
    for n in range(throttle["address_limit"]):
        attempt(client, f"nobody{n}", "password1")

    response = attempt(client, "member", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed attempts from your address; try again in 15 minutes." in response.content.decode()


def test_successful_logins_from_one_address_are_never_throttled(client, make_user, throttle):
    # A lab (or the load test) logs many members in from one address.
    members = [make_user(f"lab{n}") for n in range(throttle["address_limit"] + 5)]
    for user in members:
        assert logged_in(attempt(client, user.username, PASSWORD, "127.0.0.1"))


def test_the_admin_login_is_throttled_with_the_site_login(client, curator, throttle):
    for _ in range(throttle["pair_limit"]):
        attempt(client, "curator", "wrong-password", url="/admin/login/")

    response = attempt(client, "curator", PASSWORD, url="/admin/login/")

    assert "Too many failed attempts for this account from your address" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert attempt(client, "curator", PASSWORD).status_code == 429  # one count for both pages


def test_a_member_who_is_not_staff_on_the_admin_login_is_not_counted_as_guessing(client, member, throttle):
    for _ in range(throttle["pair_limit"] + 1):
        response = attempt(client, "member", PASSWORD, url="/admin/login/")
        assert "for a staff account" in response.content.decode()

    assert logged_in(attempt(client, "member", PASSWORD))


def test_password_change_applies_the_password_validators(client, member):
    client.force_login(member)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in page and "This password is entirely numeric." in page
    assert get_user_model().objects.get(pk=member.pk).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}, 0, "192.0.2.1"),
        # Behind our one proxy, the client is the entry it added; the client's own entries are ignored.
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.1"}, 1, "192.0.2.1"),
        ({"REMOTE_ADDR": "10.0.0.2"}, 1, "10.0.0.2"),
        # One IPv6 host usually has a whole /64.
        ({"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}, 0, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.1"}, 0, "192.0.2.1"),
    ],
)
def test_client_address(settings, meta, proxies, expected):
    settings.IDL_PROXY_COUNT = proxies
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_failures_from_any_host_of_one_ipv6_network_count_together(client, member, throttle):
    for n in range(throttle["pair_limit"]):
        attempt(client, "member", "wrong-password", f"2001:db8:1:2::{n + 1}")

    assert attempt(client, "member", PASSWORD, "2001:db8:1:2::ffff").status_code == 429


def test_guesses_sent_all_at_once_get_no_more_evaluations_than_the_limit(throttle, monkeypatch):
    """40 simultaneous wrong guesses: each is counted before its slow hash, so only 5 are tried."""
    evaluated, lock = [], threading.Lock()
    start = threading.Barrier(40)

    def slow_wrong_password(request, **credentials):
        with lock:
            evaluated.append(credentials["username"])
        time.sleep(0.3)  # the password hash, which the guesses used to race past
        return None

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", slow_wrong_password)

    def guess(n):
        request = RequestFactory().post(LOGIN_URL, REMOTE_ADDR=HOME)
        form = ThrottledAuthenticationForm(request, data={"username": "member", "password": f"guess-{n}"})
        start.wait()
        form.is_valid()
        return 429 if form.refusal else 200

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(guess, range(40)))

    assert len(evaluated) == throttle["pair_limit"] == 5
    assert statuses.count(429) == 35
    # Afterwards the account is locked from that address, as after five guesses in a row.
    assert LoginThrottle("member", HOME).refusal().scope == "pair"


RESET_URL = "/accounts/password_reset/"


def ask_reset(client, email, address=HOME):
    return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_are_limited_per_email_address(client, member, settings):
    limit = settings.IDL_RESET_THROTTLE["email_limit"]

    statuses = [ask_reset(client, member.email).status_code for _ in range(12)]

    assert len(mail.outbox) == limit == 3  # not 12 mails to one member in a second
    assert statuses == [302] * limit + [429] * (12 - limit)
    response = ask_reset(client, member.email)
    assert (
        "Too many reset requests for this e-mail address; try again in 60 minutes."
        in response.content.decode()
    )
    assert int(response["Retry-After"]) <= 3600


def test_password_reset_refusals_do_not_tell_who_has_an_account(client, member):
    known = [ask_reset(client, member.email).status_code for _ in range(5)]
    unknown = [ask_reset(client, "nobody@example.com").status_code for _ in range(5)]

    assert known == unknown == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_client_address(client, make_user, settings):
    limit = settings.IDL_RESET_THROTTLE["address_limit"]
    users = [make_user() for _ in range(limit + 1)]

    statuses = [ask_reset(client, user.email).status_code for user in users]

    assert statuses == [302] * limit + [429]
    assert len(mail.outbox) == limit
    # Another address may still ask for the last one.
    assert ask_reset(client, users[-1].email, address="198.51.100.7").status_code == 302

"""Failed-login throttling, kept in Django's shared cache (files or Redis) so every worker agrees.

Failures are counted in three scopes, each with its own threshold and lock
(settings.IDL_LOGIN_THROTTLE):

- the pair (account, address): slowed after a few failures (a wait that doubles), then locked
  hard. A successful login clears it. This is what stops guessing one member's password.
- the account, from every address: needs many more failures and locks briefly, so an attacker
  who knows a member's username cannot keep them out for long; an address the member has
  already logged in from is exempt from it altogether.
- the address, on every account: stops one address trying a common password on everyone.
  Only failures count, so a lab behind one address can log in as often as it likes.

Counters expire `window` seconds after their latest failure. Redis counts exactly; the file
cache's increment is a read then a write, so failures racing in several workers at the same
instant may be under-counted (by at most the number of workers per round).
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

KEY_PREFIX = "idl-login"
KNOWN_FOR = 60 * 60 * 24 * 90  # how long a successful (account, address) pair stays known


def client_address(request):
    """The client's address: REMOTE_ADDR, or the entry our own proxies added to X-Forwarded-For.

    settings.IDL_PROXY_COUNT says how many proxies we run in front of the app; the entries
    before theirs are whatever the client chose to send and are ignored. IPv6 clients are
    keyed by their /64, which one host usually owns entirely.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.IDL_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt is refused before the password is even checked, and for how long."""

    scope: str
    seconds: int

    def message(self):
        who = {
            "pair": "for this account from your address",
            "account": "for this account",
            "address": "from your address",
        }[self.scope]
        if self.seconds < 60:
            wait = f"{self.seconds} second{'s' if self.seconds != 1 else ''}"
        else:
            minutes = math.ceil(self.seconds / 60)
            wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"Too many failed attempts {who}; try again in {wait}."


class LoginThrottle:
    def __init__(self, username, address):
        account = (username or "").strip().casefold()
        self.keys = {
            "pair": _digest(account, address),
            "account": _digest(account),
            "address": _digest(address),
        }
        self.config = settings.IDL_LOGIN_THROTTLE

    def refusal(self):
        """The longest lock now in force for this attempt, or None."""
        known = cache.get(self._key("known", "pair")) is not None
        now = time.time()
        waits = []
        for scope in self.keys:
            if known and scope != "pair":
                continue
            until = cache.get(self._key("lock", scope))
            if until is not None and until > now:
                waits.append(Refusal(scope, math.ceil(until - now)))
        return max(waits, key=lambda refusal: refusal.seconds, default=None)

    def failed(self):
        for scope in self.keys:
            count = self._increment(scope)
            limit, lock = self.config[f"{scope}_limit"], self.config[f"{scope}_lock"]
            if count >= limit:
                self._lock(scope, lock)
                cache.delete(self._key("fail", scope))  # after the lock, a fresh start
            elif scope == "pair" and count >= self.config["slow_after"]:
                self._lock(scope, self.config["slow_delay"] * 2 ** (count - self.config["slow_after"]))

    def succeeded(self):
        """The password was right: forget this pair's failures and trust its address from now on."""
        cache.delete_many([self._key("fail", "pair"), self._key("lock", "pair")])
        cache.set(self._key("known", "pair"), 1, KNOWN_FOR)

    def _increment(self, scope):
        key, window = self._key("fail", scope), self.config["window"]
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, count := 1, window)
        cache.touch(key, window)  # the window runs from the latest failure
        return count

    def _lock(self, scope, seconds):
        # The deadline is stored, not left to the cache's expiry: expiries are whole seconds on
        # some backends, and the page tells the member how long is left.
        cache.set(self._key("lock", scope), time.time() + seconds, math.ceil(seconds) + 1)

    def _key(self, kind, scope):
        return f"{KEY_PREFIX}:{kind}:{scope}:{self.keys[scope]}"


def _digest(*parts):
    # Usernames and addresses may hold characters some cache backends refuse in keys.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

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

Each attempt is counted before its password is checked (see LoginThrottle), so guesses sent
all at once cannot outrun the limits. Counters expire `window` seconds after their latest
failure. Redis counts exactly; the file cache's increment is a read then a write, so attempts
racing in several workers at the same instant may be under-counted (by at most the number of
workers per round).
"""

import contextlib
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
    what: str = "failed attempts"

    def message(self):
        who = {
            "pair": "for this account from your address",
            "account": "for this account",
            "address": "from your address",
            "email": "for this e-mail address",
        }[self.scope]
        if self.seconds < 60:
            wait = f"{self.seconds} second{'s' if self.seconds != 1 else ''}"
        else:
            minutes = math.ceil(self.seconds / 60)
            wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"Too many {self.what} {who}; try again in {wait}."


class LoginThrottle:
    """One login attempt: counted before its password is checked, settled after.

    `begin()` counts the attempt in each scope (an atomic increment on Redis and on the
    in-process cache) and only then looks at the locks and limits: an attempt that would be
    past a limit is refused and uncounted, without hashing. Counting first is what makes the
    limits hold against guesses sent all at once: checking the locks and counting after the
    slow password hash let every guess in flight through (10 to 14 of 40 simultaneous wrong
    guesses were evaluated where 5 may be). A failure then keeps its count and sets the
    locks; a success, or an attempt that was never a guess, gives its counts back.
    """

    def __init__(self, username, address):
        account = (username or "").strip().casefold()
        self.keys = {
            "pair": _digest(account, address),
            "account": _digest(account),
            "address": _digest(address),
        }
        self.config = settings.IDL_LOGIN_THROTTLE
        self.counts = {}

    def begin(self):
        """Count this attempt; a Refusal (and no count) when it may not be tried now."""
        known = cache.get(self._key("known", "pair")) is not None
        self.counts = {scope: self._increment(scope) for scope in self.keys}
        # The locks are read after counting, so a lock set while this attempt was counted is seen.
        refusal = self.refusal(known)
        if refusal is None:
            over = [
                Refusal(scope, self.config[f"{scope}_lock"])
                for scope, count in self.counts.items()
                if count > self.config[f"{scope}_limit"] and (scope == "pair" or not known)
            ]
            refusal = max(over, key=lambda refusal: refusal.seconds, default=None)
        if refusal:
            self.abandon()
        return refusal

    def refusal(self, known=None):
        """The longest lock now in force for this attempt, or None."""
        if known is None:
            known = cache.get(self._key("known", "pair")) is not None
        now = time.time()
        waits = []
        for scope, kind in [("pair", "slow"), *((scope, "lock") for scope in self.keys)]:
            if known and scope != "pair":
                continue
            until = cache.get(self._key(kind, scope))
            if until is not None and until > now:
                waits.append(Refusal(scope, math.ceil(until - now)))
        return max(waits, key=lambda refusal: refusal.seconds, default=None)

    def failed(self):
        """The password was wrong: the counts stay, and the limits they reached lock."""
        for scope, count in self.counts.items():
            limit, lock = self.config[f"{scope}_limit"], self.config[f"{scope}_lock"]
            if count >= limit:
                self._lock("lock", scope, lock)
                # After the lock, a fresh start. The lock is set first: an attempt counted
                # after this delete still sees it.
                cache.delete(self._key("fail", scope))
            elif scope == "pair" and count >= self.config["slow_after"]:
                # A separate key, so a slower failure settling late never shortens a lock.
                delay = self.config["slow_delay"] * 2 ** (count - self.config["slow_after"])
                self._lock("slow", scope, delay)
        self.counts = {}

    def succeeded(self):
        """The password was right: forget this pair's failures and trust its address from now on."""
        self.abandon()
        cache.delete_many([self._key(kind, "pair") for kind in ("fail", "lock", "slow")])
        cache.set(self._key("known", "pair"), 1, KNOWN_FOR)

    def abandon(self):
        """Give back this attempt's counts: it was refused, right, or not a guess at all."""
        for scope in self.counts:
            with contextlib.suppress(ValueError):  # deleted by a lock meanwhile, or expired
                cache.decr(self._key("fail", scope))
        self.counts = {}

    def _increment(self, scope):
        return count_in_window(self._key("fail", scope), self.config["window"], sliding=True)

    def _lock(self, kind, scope, seconds):
        # The deadline is stored, not left to the cache's expiry: expiries are whole seconds on
        # some backends, and the page tells the member how long is left.
        cache.set(self._key(kind, scope), time.time() + seconds, math.ceil(seconds) + 1)

    def _key(self, kind, scope):
        return f"{KEY_PREFIX}:{kind}:{scope}:{self.keys[scope]}"


class ResetThrottle:
    """Password-reset mails: so many per e-mail address typed and per client address, per window.

    The e-mail address is counted as typed, whether or not an account uses it, so a refusal
    tells nothing about who has an account (settings.IDL_RESET_THROTTLE).
    """

    def __init__(self, email, address):
        self.keys = {
            "email": _digest("reset", (email or "").strip().casefold()),
            "address": _digest("reset", address),
        }
        self.config = settings.IDL_RESET_THROTTLE

    def begin(self):
        """Count this request; a Refusal when a limit is already used up in this window."""
        window, now = self.config["window"], time.time()
        refusals = []
        for scope, digest in self.keys.items():
            key = f"{KEY_PREFIX}:reset:{scope}:{digest}"
            cache.add(f"{key}:since", now, window)
            if count_in_window(key, window) > self.config[f"{scope}_limit"]:
                since = cache.get(f"{key}:since") or now
                refusals.append(Refusal(scope, max(1, math.ceil(since + window - now)), "reset requests"))
        return max(refusals, key=lambda refusal: refusal.seconds, default=None)


def count_in_window(key, window, *, sliding=False):
    """Add one to the counter at key and return it: atomic on Redis and the in-process cache.

    The counter is forgotten `window` seconds after it started, or with `sliding` after its
    latest increment.
    """
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, count := 1, window)
    if sliding:
        cache.touch(key, window)
    return count


def _digest(*parts):
    # Usernames and addresses may hold characters some cache backends refuse in keys.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

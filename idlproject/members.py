"""Who is asking, without a query on a cached visit.

Django's ModelBackend reads the member's row on every request: on a page whose body comes from
the cache that query was a third of the request's CPU. The row is kept under the page cache's
data version (wiki/pagecache.py), which every saved user, group or permission retires, so a
password change, a deactivation or a new role counts from the next request, as before. Saves
of `last_login` alone retire nothing, so the kept row may show an older last login.
"""

from django.contrib.auth.backends import ModelBackend

from wiki.pagecache import remembered


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        # Kept right after it is read: no permission cache of this request is stored with it.
        user = remembered("member", user_id, lambda: super(CachedModelBackend, self).get_user(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

"""The file cache the gunicorn workers of one machine share when there is no Redis.

Django's FileBasedCache lists its whole directory on every set to decide whether to cull: at
its 2,000 entries that is about 5 ms, paid by each set, and the first visit after a write sets
a page's body, its counts and its objects (measured at 100k references: a third of a search's
time after a write). This one looks every CULL_EVERY sets of a process instead, so the
directory may run past MAX_ENTRIES by that many sets per worker. A cull then drops entries at
random, as Django's does, towards two thirds of MAX_ENTRIES (with CULL_FREQUENCY 3) but at most
CULL_AT_ONCE of them: a third of 2,000 files unlinked in one request was a 20 ms stall in the
first pages after writes, which retire every cached body at once and so fill the directory fast.
"""

import itertools
import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 50
CULL_AT_ONCE = 4 * CULL_EVERY  # more than the sets between two culls of both workers


class FileCache(FileBasedCache):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sets = itertools.count()

    def _cull(self):
        if next(self._sets) % CULL_EVERY:
            return
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            return self.clear()
        keep = self._max_entries - self._max_entries // self._cull_frequency
        for name in random.sample(files, min(len(files) - keep, CULL_AT_ONCE)):
            self._delete(name)

"""The file cache the gunicorn workers of one machine share when there is no Redis.

Django's FileBasedCache lists its whole directory on every set to decide whether to cull: at
its 2,000 entries that is about 5 ms, paid by each set, and the first visit after a write sets
a page's body, its counts and its objects (measured at 100k references: a third of a search's
time after a write). This one looks every CULL_EVERY sets of a process instead, so the
directory may run past MAX_ENTRIES by that many sets per worker; a cull then takes it back to
two thirds of MAX_ENTRIES (with CULL_FREQUENCY 3), dropping entries at random as Django does.
"""

import itertools
import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 50


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
        for name in random.sample(files, len(files) - keep):
            self._delete(name)

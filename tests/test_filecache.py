"""The shared file cache: culled now and then, not on every set, and still bounded."""

from wiki import filecache


def make_cache(tmp_path, max_entries):
    return filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_a_set_does_not_list_the_directory_each_time(tmp_path, monkeypatch):
    cache = make_cache(tmp_path, 2000)
    listings = []
    real = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or real())
    for n in range(200):
        cache.set(f"key{n}", n)
    assert len(listings) == 200 // filecache.CULL_EVERY
    assert cache.get("key0") == 0 and cache.get("key199") == 199


def test_it_is_still_culled_to_about_its_size(tmp_path):
    cache = make_cache(tmp_path, 20)
    for n in range(1000):
        cache.set(f"key{n}", "x" * 100)
    files = list(tmp_path.glob("*.djcache"))
    assert 0 < len(files) <= 20 + filecache.CULL_EVERY
    assert cache.get("key999") == "x" * 100  # the newest survives: culled before it was written


def test_one_cull_unlinks_a_bounded_number_of_files(tmp_path, monkeypatch):
    cache = make_cache(tmp_path, 20)
    cull = cache._cull
    monkeypatch.setattr(cache, "_cull", lambda: None)  # fill it far past its size first
    for n in range(100):
        cache.set(f"key{n}", n)
    monkeypatch.setattr(filecache, "CULL_AT_ONCE", 7)
    cull()  # the first set of a process looks
    assert len(list(tmp_path.glob("*.djcache"))) == 100 - 7

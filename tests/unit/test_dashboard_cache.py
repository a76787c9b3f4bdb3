from crm.dashboard.cache import FigureCache


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_figures_are_kept_for_the_seconds_asked_then_computed_again():
    clock, computed = Clock(), []
    cache = FigureCache(clock=clock)

    def compute():
        computed.append(clock.now)
        return len(computed)

    assert cache.get("k", 60, compute) == 1
    clock.now = 59
    assert cache.get("k", 60, compute) == 1
    assert cache.get("other", 60, compute) == 2
    clock.now = 61
    assert cache.get("k", 60, compute) == 3
    assert cache.get("k", 0, compute) == 4  # 0: never kept
    assert computed == [0, 59, 61, 61]


def test_a_full_cache_forgets_the_oldest():
    clock = Clock()
    cache = FigureCache(size=2, clock=clock)
    for n, key in enumerate("abc"):
        clock.now = n
        cache.get(key, 100, lambda key=key: key)
    assert cache.get("a", 100, lambda: "again") == "again"
    assert cache.get("c", 100, lambda: "again") == "c"

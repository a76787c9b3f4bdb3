"""A short memory of the dashboard's figures, per process.

At national scale a manager's dashboard reads hundreds of thousands of rows; people open it again and again
(and each filter link) within minutes. With SASAR_DASHBOARD_CACHE_SECONDS above 0, a process keeps the
figures it computed for the same branches, filter, day and language that long: the page then says what was
true up to that many seconds ago. 0 (the default) computes them on every request.
"""

import threading
import time
from collections.abc import Callable, Hashable


class FigureCache:
    def __init__(self, size: int = 256, clock: Callable[[], float] = time.monotonic):
        self.size = size
        self.clock = clock
        self._items: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, seconds: float, compute: Callable[[], object]):
        """The value kept for `key` if younger than `seconds`, else `compute()` (kept for next time)."""
        if seconds <= 0:
            return compute()
        with self._lock:
            kept = self._items.get(key)
            if kept is not None and kept[0] > self.clock():
                return kept[1]
        value = compute()
        with self._lock:
            now = self.clock()
            if len(self._items) >= self.size:
                self._items = {k: v for k, v in self._items.items() if v[0] > now}
                while len(self._items) >= self.size:
                    del self._items[min(self._items, key=lambda k: self._items[k][0])]
            self._items[key] = (now + seconds, value)
        return value


figures = FigureCache()

"""The process's long-lived objects, set aside from the cyclic garbage collector, and the
collector paced for a server's heap."""

import gc

# A young pass every 10,000 net allocations instead of 700, and a full pass after 100
# passes of the middle generation instead of 10. With CPython's defaults a queue page
# (thousands of objects) met several young passes, which moved its live objects to the
# old generation; a full pass followed every 15 or so pages and walked every statement
# SQLAlchemy had compiled since start-up: 100 to 160 ms at a million tickets, on one
# request of each screen (`python -m bench queue`). Garbage waits a little longer: at
# most ten thousand young objects, a few megabytes.
THRESHOLDS = (10_000, 10, 100)

_settled = False


def settle_once() -> None:
    """Collect once, then freeze what survives: the modules, the app and its caches; and
    pace the collector (THRESHOLDS).

    The collector's full passes otherwise walk every one of those objects again, a pause of
    about 50 ms that landed on whichever requests were in flight (intake's p99 fell from
    145 to 98 ms at 32 connections). Once per process: objects frozen are never collected
    as cycles again, and a process that builds many apps (the tests) should not pin them
    all."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

"""The process's long-lived objects, set aside from the cyclic garbage collector."""

import gc

_settled = False


def settle_once() -> None:
    """Collect once, then freeze what survives: the modules, the app and its caches.

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

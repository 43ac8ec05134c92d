"""Worker processes forked from this one, which end with it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def forked_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from this one: they inherit its modules and data instead
    of importing them again or receiving pickled copies, and the kernel kills each when this process
    ends, even by SIGKILL (on Linux), so no worker outlives a killed build."""
    context = multiprocessing.get_context("fork")
    started = (os.getpid(), initializer, initargs)
    return ProcessPoolExecutor(workers, context, initializer=_start, initargs=started)


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    # The parent may have died before the request took effect; this process then has another parent.
    if os.getppid() != parent:
        os._exit(1)
    if initializer is not None:
        initializer(*initargs)

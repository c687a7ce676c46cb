"""Child processes that die with the launcher, even when the launcher is killed with SIGKILL.

The launcher starts each child in a session of its own (so Ctrl-C reaches the launcher only, which then
stops them in order). A SIGKILLed launcher runs no cleanup, so each child also asks Linux to send it
SIGTERM when its parent dies (`prctl(PR_SET_PDEATHSIG)`): the moto servers and the services then stop
on their own instead of living on as orphans.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None  # loaded before any fork


def die_with_parent() -> Callable[[], None]:
    """A `preexec_fn` for a child of this process: SIGTERM reaches the child when this process dies."""
    parent = os.getpid()

    def preexec() -> None:
        if _LIBC is not None:
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died between the fork and the prctl
            os._exit(1)

    return preexec

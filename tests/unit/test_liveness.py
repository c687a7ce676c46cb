"""Worker liveness: a fresh mark is alive, an old or missing one is not."""

import os
import time

from shared.liveness import is_alive, mark_alive


def test_a_worker_that_just_polled_is_alive(tmp_path):
    path = tmp_path / "alive"
    mark_alive(path)

    assert is_alive(path)


def test_a_worker_whose_loop_stalled_is_not_alive(tmp_path):
    path = tmp_path / "alive"
    mark_alive(path)
    stale = time.time() - 600
    os.utime(path, (stale, stale))

    assert not is_alive(path)


def test_a_worker_that_never_polled_is_not_alive(tmp_path):
    assert not is_alive(tmp_path / "never")

"""The launcher's own decisions: which API key it prints, and children that die with it (real processes), as do
the stacks and fakes the test harness starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.harness.processes import REPO_ROOT, ProcessId, wait_for
from tools.local.stack import launcher_key


def test_without_configured_keys_the_printed_key_is_the_one_handed_to_the_gateway() -> None:
    key, keys = launcher_key(None, None)
    assert key.startswith("pg_dev_")
    assert keys == f"{key}:demo-user"
    assert launcher_key(None, "mine") == ("mine", "mine:demo-user")


def test_with_configured_keys_the_printed_key_is_one_of_them() -> None:
    assert launcher_key("first:alice, second:bob", None) == ("first", "first:alice, second:bob")
    assert launcher_key("first:alice,second:bob", "second") == ("second", "first:alice,second:bob")
    assert launcher_key("a:b:carol", None) == ("a:b", "a:b:carol")  # the gateway splits at the last colon too


def test_a_key_the_gateway_would_refuse_stops_the_launcher() -> None:
    with pytest.raises(SystemExit, match="not one of PHARMAGEN_API_KEYS"):
        launcher_key("first:alice", "invented")
    with pytest.raises(SystemExit, match="no key:user_id"):
        launcher_key(":alice, ,", None)


# A parent that starts two sleepers, one with die_with_parent and one without, prints their pids and waits.
_PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from tools.local.children import die_with_parent
    sleep = [sys.executable, "-c", "import time; time.sleep(120)"]
    guarded = subprocess.Popen(sleep, start_new_session=True, preexec_fn=die_with_parent())
    bare = subprocess.Popen(sleep, start_new_session=True)
    print(guarded.pid, bare.pid, flush=True)
    time.sleep(120)
    """
)


def test_a_child_dies_with_its_sigkilled_parent_and_an_unguarded_one_would_not() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    guarded_pid, bare_pid = map(int, parent.stdout.readline().split())
    guarded, bare = ProcessId.read(guarded_pid), ProcessId.read(bare_pid)
    assert guarded is not None
    assert bare is not None
    try:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        wait_for(lambda: not guarded.alive(), timeout_s=15, what="the guarded child ends with its parent")
        assert bare.alive(), "without die_with_parent the child outlives its killed parent (the old orphan)"
    finally:
        for pid in (guarded_pid, bare_pid):
            if (known := ProcessId.read(pid)) is not None and known.alive():
                os.kill(pid, signal.SIGKILL)


# A test run's stand-in: it starts a sleeper the way the harness starts a stack, prints its pid and waits.
_TEST_RUN = textwrap.dedent(
    """
    import sys, tempfile, time
    from pathlib import Path
    from tests.harness.processes import spawn_until_ready
    log = Path(tempfile.mkdtemp()) / "sleeper.log"
    sleeper = spawn_until_ready([sys.executable, "-c", "import time; time.sleep(120)"], log_path=log,
                                ready=lambda: True, timeout_s=5)
    print(sleeper.pid, flush=True)
    time.sleep(120)
    """
)


def test_what_the_harness_starts_dies_with_a_sigkilled_test_run() -> None:
    run = subprocess.Popen([sys.executable, "-c", _TEST_RUN], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    sleeper_pid = int(run.stdout.readline())
    sleeper = ProcessId.read(sleeper_pid)
    assert sleeper is not None
    try:
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
        wait_for(lambda: not sleeper.alive(), timeout_s=15, what="the harness's child ends with the test run")
    finally:
        if (known := ProcessId.read(sleeper_pid)) is not None and known.alive():
            os.kill(sleeper_pid, signal.SIGKILL)

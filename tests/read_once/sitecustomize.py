"""Logs every read-only ``open`` of a file under ``$LCPIPE_AUDIT_ROOT`` to ``$LCPIPE_AUDIT_LOG``.

Put on ``PYTHONPATH`` by tests/test_workflow_read_once.py: every Python process of the run (Snakemake and
each ``script:`` job, which inherit the environment) imports it at start-up and installs an audit hook
(:func:`sys.addaudithook`), so the test can count how often each raw light-curve file was opened.
"""

import os
import sys

_ROOT = os.environ.get("LCPIPE_AUDIT_ROOT")
_LOG = os.environ.get("LCPIPE_AUDIT_LOG")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _install(root: str, log: str) -> None:
    root = os.path.realpath(root) + os.sep
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path, mode, flags = args
        if mode is not None and any(c in str(mode) for c in "wax+"):
            return
        if mode is None and isinstance(flags, int) and flags & _WRITE_FLAGS:
            return
        full = os.path.realpath(os.fsdecode(path))
        if full.startswith(root):
            os.write(fd, f"{os.getpid()}\t{full}\n".encode())

    sys.addaudithook(hook)


if _ROOT and _LOG:
    _install(_ROOT, _LOG)

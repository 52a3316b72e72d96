"""A pretend SLURM for tests: job states in files, jobs run locally in the background.

Every stand-in (``sbatch``, ``sacct``, ``squeue``, ``scancel``, ``scontrol``, ``sinfo``, ``sacctmgr``,
``srun``) is a thin script calling :func:`main` with its own name. State lives under ``$FAKE_SLURM_DIR``:

- ``calls.jsonl``: one line per invocation (tool and arguments), for assertions on what was submitted;
- ``jobs/<id>/``: ``name`` (the ``--job-name``), ``script`` (what sbatch got), ``state`` (PENDING,
  RUNNING, COMPLETED, FAILED, OUT_OF_MEMORY, CANCELLED) and ``pid`` (process group of the running job).

``$FAKE_SLURM_OOM_FIRST`` (optional, a rule name): the first submission of each job of that rule ends
in ``OUT_OF_MEMORY`` without running, so the retry with more memory can be checked.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from itertools import count
from pathlib import Path

#: sbatch/srun options that take their value as the next argument.
OPTIONS_WITH_VALUE = frozenset(
    {
        "-A", "--account", "-p", "--partition", "-t", "--time", "--mem", "--mem-per-cpu", "--comment",
        "-C", "--constraint", "--clusters", "-J", "--job-name", "-o", "--output", "-e", "--error",
        "-c", "--cpus-per-task", "-n", "--ntasks", "--qos", "--wrap", "--array", "-N", "--nodes",
        "--name", "--starttime", "--endtime", "--format", "--states", "-u",
    }
)  # fmt: skip


def state_dir() -> Path:
    return Path(os.environ["FAKE_SLURM_DIR"])


def job_dir(job_id: str) -> Path:
    return state_dir() / "jobs" / job_id


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def log_call(tool: str, argv: list[str]) -> None:
    with open(state_dir() / "calls.jsonl", "a") as handle:
        handle.write(json.dumps({"tool": tool, "argv": argv}) + "\n")


def parse_options(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split ``argv`` into options (``{"--mem": "2000", "--parsable": ""}``) and positional arguments."""
    options: dict[str, str] = {}
    positional: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg.startswith("--") and "=" in arg:
            key, value = arg.split("=", 1)
            options[key] = value
        elif arg in OPTIONS_WITH_VALUE:
            options[arg] = next(args, "")
        elif arg.startswith("-") and len(arg) > 2 and arg[:2] in OPTIONS_WITH_VALUE:
            options[arg[:2]] = arg[2:]
        elif arg.startswith("-"):
            options[arg] = ""
        else:
            positional.append(arg)
    return options, positional


def new_job_id() -> str:
    (state_dir() / "jobs").mkdir(parents=True, exist_ok=True)
    for number in count(1001):
        try:
            job_dir(str(number)).mkdir()
        except FileExistsError:
            continue
        return str(number)
    raise AssertionError("unreachable")


def sbatch(argv: list[str]) -> int:
    options, positional = parse_options(argv)
    if "--wrap" in options:
        script = "#!/bin/sh\n" + options["--wrap"] + "\n"
    elif positional:
        script = sys.stdin.read() if positional[0] in ("/dev/stdin", "-") else Path(positional[0]).read_text()
    else:
        print("sbatch: error: no script and no --wrap", file=sys.stderr)
        return 1
    job_id = new_job_id()
    folder = job_dir(job_id)
    (folder / "script").write_text(script)
    (folder / "name").write_text(options.get("--job-name", options.get("-J", "")))
    (folder / "output").write_text(options.get("--output", options.get("-o", "slurm-%j.out")))
    rule = os.environ.get("FAKE_SLURM_OOM_FIRST")
    comment = options.get("--comment", "")
    if rule and re.match(rf"rule_{re.escape(rule)}(_wildcards_|$)", comment):
        marker = state_dir() / "oom_done" / comment
        if not marker.exists():
            marker.parent.mkdir(exist_ok=True)
            marker.touch()
            write_atomic(folder / "state", "OUT_OF_MEMORY")
            print(job_id)
            return 0
    write_atomic(folder / "state", "PENDING")
    runner = subprocess.Popen(
        [sys.executable, __file__, "run", job_id],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    write_atomic(folder / "pid", str(runner.pid))
    print(job_id if "--parsable" in options else f"Submitted batch job {job_id}")
    return 0


def run_job(job_id: str) -> int:
    """Run one submitted script in the foreground (called in the background by sbatch)."""
    folder = job_dir(job_id)
    output = Path((folder / "output").read_text().replace("%j", job_id))
    output.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SLURM_JOB_ID": job_id, "SLURM_JOBID": job_id, "SLURM_CPUS_PER_TASK": "1"}
    env["SLURM_JOB_NAME"] = (folder / "name").read_text()
    write_atomic(folder / "state", "RUNNING")
    with open(output, "w") as log:
        code = subprocess.call(["/bin/sh", str(folder / "script")], stdout=log, stderr=log, env=env)
    if (folder / "state").read_text() != "CANCELLED":
        write_atomic(folder / "state", "COMPLETED" if code == 0 else "FAILED")
    return 0


def job_states(name: str | None) -> list[tuple[str, str]]:
    root = state_dir() / "jobs"
    rows = []
    for folder in sorted(root.iterdir(), key=lambda p: int(p.name)) if root.exists() else []:
        if not (folder / "state").exists():
            continue
        if name is None or (folder / "name").read_text() == name:
            rows.append((folder.name, (folder / "state").read_text()))
    return rows


def sacct(argv: list[str]) -> int:
    """Like SLURM's sacct, a cancelled job's state names who cancelled it (``CANCELLED by 0``)."""
    options, _ = parse_options(argv)
    for job_id, state in job_states(options.get("--name")):
        print(f"{job_id}|{'CANCELLED by 0' if state == 'CANCELLED' else state}")
    return 0


def squeue(argv: list[str]) -> int:
    """``squeue --format=%i|%T --name RUN``: one ``id|STATE`` line per job (plain ``CANCELLED``)."""
    options, _ = parse_options(argv)
    for job_id, state in job_states(options.get("--name")):
        print(f"{job_id}|{state}")
    return 0


def scontrol(argv: list[str]) -> int:
    """``scontrol show config``: the one line the executor reads (SLURM's default MinJobAge)."""
    if argv[:2] == ["show", "config"]:
        print("MinJobAge               = 300 sec")
        return 0
    print(f"scontrol {' '.join(argv)}: not provided by the stand-ins", file=sys.stderr)
    return 1


def scancel(argv: list[str]) -> int:
    _, ids = parse_options(argv)
    for job_id in ids:
        folder = job_dir(job_id)
        if not folder.exists():
            continue
        write_atomic(folder / "state", "CANCELLED")
        if (folder / "pid").exists():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int((folder / "pid").read_text()), signal.SIGTERM)
    return 0


def srun(argv: list[str]) -> int:
    """Drop srun's options and run the command in place."""
    args = list(argv)
    while args and args[0].startswith("-"):
        option = args.pop(0)
        if option in OPTIONS_WITH_VALUE and "=" not in option and args:
            args.pop(0)
    if not args:
        print("srun: error: no command", file=sys.stderr)
        return 1
    os.execvp(args[0], args)
    return 1


def main(tool: str, argv: list[str]) -> int:
    if tool == "run":
        return run_job(argv[0])
    log_call(tool, argv)
    if tool == "sbatch":
        return sbatch(argv)
    if tool == "sacct":
        return sacct(argv)
    if tool == "squeue":
        return squeue(argv)
    if tool == "scontrol":
        return scontrol(argv)
    if tool == "scancel":
        return scancel(argv)
    if tool == "srun":
        return srun(argv)
    if tool == "sinfo":
        print("PARTITION\ndemo*")
        return 0
    if tool == "sacctmgr":
        print("\n".join(os.environ.get("FAKE_SLURM_ACCOUNTS", "demo_account").split(",")))
        return 0
    print(f"{tool}: not provided by the stand-ins", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

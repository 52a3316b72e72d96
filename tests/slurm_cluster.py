"""A one-node SLURM cluster on this machine, for the tests that run the workflow through real SLURM.

:func:`start_cluster` installs Debian's ``munge``, ``slurmctld``, ``slurmd`` and ``slurm-client`` (plus
``slurmdbd`` and ``mariadb-server`` with accounting) with apt-get when they are missing, writes a
``slurm.conf`` for this host (its CPUs and memory as ``slurmd -C`` reports them, loopback addresses,
non-default ports, every state, spool, log and PID file under a private folder), starts each daemon in
the foreground (``-D``) as a child process with a PID file, waits until the node is idle and
:meth:`SlurmCluster.stop` stops exactly the processes it started.

Where the configuration lives. Snakemake's SLURM job step removes every ``SLURM_*`` variable except the
job's identity before it calls ``srun`` (snakemake-executor-plugin-slurm-jobstep), so ``SLURM_CONF``
never reaches the ``srun`` inside a job. The cluster therefore runs *configless*
(https://slurm.schedmd.com/configless_slurm.html): slurmctld serves its configuration
(``SlurmctldParameters=enable_configless``), slurmd fetches it with ``--conf-server`` and caches it
where every client command on the node finds it (``/run/slurm/conf``, a link into the private spool
folder, removed at stop). The submit side (the tests' Snakemake) is given ``SLURM_CONF``. A machine that
already has ``/etc/slurm/slurm.conf`` belongs to another cluster: the clients would read that file first,
so the tests are skipped there.

Memory. ``task/cgroup`` with ``ConstrainRAMSpace=yes`` (cgroup v1, the hierarchy this machine mounts):
a job over its ``--mem`` is killed by the kernel and ends ``OUT_OF_MEMORY``. Where the memory cgroup
is missing the cluster falls back to ``JobAcctGatherParams=OverMemoryKill`` (slurmd polls the job's
memory every second and kills it); :attr:`SlurmCluster.memory_enforcement` says which one runs.

Where a cluster cannot be had (not root, apt-get fails, a cluster already configured here) the
functions raise :class:`SlurmUnavailable` with the reason, which the tests turn into a skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Debian packages of a cluster without accounting storage.
PACKAGES = ("munge", "slurmctld", "slurmd", "slurm-client")
#: Extra packages of a cluster with accounting storage (slurmdbd and its database).
ACCOUNTING_PACKAGES = ("slurmdbd", "mariadb-server")
#: Programs the packages provide (one per package), checked before installing anything.
PROGRAMS = {"munge": "munged", "slurmctld": "slurmctld", "slurmd": "slurmd", "slurm-client": "sbatch"}
ACCOUNTING_PROGRAMS = {"slurmdbd": "slurmdbd", "mariadb-server": "mariadbd"}

#: Non-default ports, so the test cluster never answers for a real one (6817-6819, 3306).
PORTS = {"slurmctld": 16817, "slurmd": 16818, "slurmdbd": 16819, "mariadb": 16820}

#: Where munged listens: the default socket, which slurmd must use to fetch its configuration.
MUNGE_SOCKET = Path("/run/munge/munge.socket.2")
#: Where slurmd links its cached configuration for the client commands of the node (configless mode).
CONFIGLESS_CACHE = Path("/run/slurm/conf")
#: A configuration here would be read by every client command before ours.
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
#: The one partition of the test cluster.
PARTITION = "debug"
#: SLURM account created in the accounting database (with accounting).
ACCOUNT = "lcpipe"
#: MinJobAge of the test cluster (seconds a finished job stays visible to squeue); SLURM's default.
MIN_JOB_AGE_S = 300


class SlurmUnavailable(RuntimeError):
    """No test cluster can be started on this machine; the message says why."""


def _missing(programs: dict[str, str]) -> list[str]:
    return [package for package, program in programs.items() if shutil.which(program) is None]


def ensure_packages(accounting: bool) -> float:
    """Install the missing Debian packages with apt-get; return the seconds it took (0 if none).

    Raises
    ------
    SlurmUnavailable
        Not root, no apt-get, or apt-get failed (its last output lines in the message).
    """
    programs = {**PROGRAMS, **(ACCOUNTING_PROGRAMS if accounting else {})}
    missing = _missing(programs)
    if not missing:
        return 0.0
    if os.geteuid() != 0:
        raise SlurmUnavailable(f"SLURM packages {missing} are missing and apt-get needs root")
    if shutil.which("apt-get") is None:
        raise SlurmUnavailable(f"SLURM packages {missing} are missing and there is no apt-get")
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    start = time.monotonic()
    proc = subprocess.run([*command, *missing], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:  # stale package lists: refresh once and retry
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, check=False)
        proc = subprocess.run([*command, *missing], capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0 or _missing(programs):
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-5:])
        raise SlurmUnavailable(f"apt-get install {' '.join(missing)} failed:\n{tail}")
    return time.monotonic() - start


def node_line() -> tuple[str, int, int]:
    """(node name, CPUs, memory in MB) of this host as ``slurmd -C`` reports them."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"(\w+)=(\S+)", out.splitlines()[0]))
    return fields["NodeName"], int(fields["CPUs"]), int(fields["RealMemory"])


def memory_cgroup_available() -> bool:
    """Whether the cgroup v1 memory controller is mounted (what task/cgroup needs here)."""
    return (
        Path("/sys/fs/cgroup/memory/memory.limit_in_bytes").exists()
        and Path("/sys/fs/cgroup/freezer").is_dir()
    )


@dataclass
class Daemon:
    """One started daemon: its name, process, PID file and log file."""

    name: str
    process: subprocess.Popen
    pid_file: Path
    log: Path

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; only this process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self.pid_file.unlink(missing_ok=True)


@dataclass
class SlurmCluster:
    """A running one-node cluster.

    Attributes
    ----------
    root : Path
        Private folder of configuration, state, spool, logs and PID files.
    accounting : bool
        Whether slurmdbd (with MariaDB) stores accounting, i.e. whether ``sacct`` works.
    node : str
        The node's name (this host's short name).
    cpus, memory_mb : int
        What the node offers.
    memory_enforcement : str
        ``"cgroup"`` (task/cgroup, ConstrainRAMSpace) or ``"OverMemoryKill"`` (polling).
    startup_s : float
        Seconds from the first daemon started to the node idle.
    """

    root: Path
    accounting: bool
    node: str
    cpus: int
    memory_mb: int
    memory_enforcement: str
    daemons: dict[str, Daemon] = field(default_factory=dict)
    startup_s: float = 0.0
    _made_cache_link: bool = False

    @property
    def conf(self) -> Path:
        return self.root / "etc" / "slurm.conf"

    def env(self) -> dict[str, str]:
        """Environment of a client command (``sbatch``, ``squeue``, ...) on the submit side."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def command(self, *args: str, check: bool = True, timeout: float = 60) -> str:
        """Run a SLURM client command against this cluster; its stdout."""
        proc = subprocess.run(
            args, capture_output=True, text=True, env=self.env(), timeout=timeout, check=False
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc.stdout

    # ---- starting and stopping ----

    def _spawn(self, name: str, args: list[str], pid_file: Path, env: dict[str, str] | None = None) -> None:
        log = self.root / "log" / f"{name}.out"
        with open(log, "ab") as handle:
            process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                env=env or self.env(),
                start_new_session=True,
            )
        self.daemons[name] = Daemon(name, process, pid_file, log)

    def _wait(self, what: str, ready, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for daemon in self.daemons.values():
                if daemon.process.poll() is not None:
                    raise RuntimeError(f"{daemon.name} exited {daemon.process.returncode}:\n{self.logs()}")
            with contextlib.suppress(Exception):
                if ready():
                    return
            time.sleep(0.25)
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.logs()}")

    def logs(self, lines: int = 15) -> str:
        """The last lines of every daemon's log (for error messages)."""
        parts = []
        for path in sorted((self.root / "log").glob("*")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)

    def start(self) -> None:
        start = time.monotonic()
        self._start_munge()
        if self.accounting:
            self._start_database()
            self._start_slurmdbd()
        self.start_controller()
        self._start_slurmd()
        self.wait_idle()
        if self.accounting:
            self.command("sacctmgr", "-i", "add", "account", ACCOUNT, "Description=lcpipe tests")
            self.command("sacctmgr", "-i", "add", "user", "root", f"Account={ACCOUNT}")
        self.startup_s = time.monotonic() - start

    def _start_munge(self) -> None:
        if MUNGE_SOCKET.exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                subprocess.run(["munge", "-n"], capture_output=True, check=True)
                raise SlurmUnavailable(f"a munged not started by the tests already answers on {MUNGE_SOCKET}")
        MUNGE_SOCKET.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        pid = self.root / "run" / "munged.pid"
        self._spawn(
            "munged",
            [
                "munged", "--foreground", "--force", f"--key-file={key}", f"--socket={MUNGE_SOCKET}",
                f"--pid-file={pid}", f"--log-file={self.root / 'log' / 'munged.log'}",
                f"--seed-file={self.root / 'munge' / 'munged.seed'}",
            ],
            pid,
        )  # fmt: skip
        self._wait("munged", lambda: subprocess.run(["munge", "-n"], capture_output=True).returncode == 0)

    def _start_database(self) -> None:
        data = self.root / "mariadb"
        install = subprocess.run(
            ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if install.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {install.stdout}{install.stderr}")
        pid = self.root / "run" / "mariadbd.pid"
        self._spawn(
            "mariadbd",
            [
                "mariadbd", "--no-defaults", f"--datadir={data}", "--user=root", "--bind-address=127.0.0.1",
                f"--port={PORTS['mariadb']}", f"--socket={self.root / 'run' / 'mariadb.sock'}",
                f"--pid-file={pid}", f"--log-error={self.root / 'log' / 'mariadbd.log'}",
                "--innodb-buffer-pool-size=128M", "--innodb-lock-wait-timeout=900",
            ],
            pid,
        )  # fmt: skip
        self._wait("mariadbd", lambda: _port_open(PORTS["mariadb"]))

    def _start_slurmdbd(self) -> None:
        self._spawn("slurmdbd", ["slurmdbd", "-D"], self.root / "run" / "slurmdbd.pid")
        self._wait("slurmdbd", lambda: _port_open(PORTS["slurmdbd"]))

    def start_controller(self) -> None:
        """Start slurmctld (again after :meth:`stop_controller`: it recovers its saved state)."""
        self._spawn(
            "slurmctld", ["slurmctld", "-D", "-f", str(self.conf)], self.root / "run" / "slurmctld.pid"
        )
        self._wait("slurmctld", lambda: "UP" in self.command("scontrol", "ping", check=False))

    def stop_controller(self) -> None:
        """Stop slurmctld only (jobs keep running on slurmd)."""
        self.daemons.pop("slurmctld").stop()

    def _start_slurmd(self) -> None:
        if CONFIGLESS_CACHE.is_symlink() and not CONFIGLESS_CACHE.exists():
            CONFIGLESS_CACHE.unlink()  # left dangling by a test run that was killed
        if CONFIGLESS_CACHE.is_symlink() or CONFIGLESS_CACHE.exists():
            raise SlurmUnavailable(
                f"{CONFIGLESS_CACHE} exists: another slurmd runs configless on this machine"
            )
        env = {k: v for k, v in os.environ.items() if k != "SLURM_CONF"}
        self._spawn(
            "slurmd",
            ["slurmd", "-D", "--conf-server", f"127.0.0.1:{PORTS['slurmctld']}", "-N", self.node],
            self.root / "run" / "slurmd.pid",
            env=env,
        )
        self._made_cache_link = True
        self._wait("slurmd's configuration cache", lambda: (CONFIGLESS_CACHE / "slurm.conf").exists())

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Wait until the node accepts jobs (state idle, mixed or allocated)."""

        def ready() -> bool:
            state = self.command("sinfo", "-h", "-N", "-n", self.node, "-o", "%T", check=False).strip()
            return state.rstrip("*") in ("idle", "mixed", "allocated")

        self._wait(f"node {self.node} idle", ready, timeout)

    def stop(self) -> None:
        """Stop every daemon this cluster started, in reverse order, and remove the configless link."""
        for name in reversed(list(self.daemons)):
            self.daemons.pop(name).stop()
        if self._made_cache_link and CONFIGLESS_CACHE.is_symlink():
            target = Path(os.readlink(CONFIGLESS_CACHE))
            if self.root in target.parents:
                CONFIGLESS_CACHE.unlink()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def write_config(cluster: SlurmCluster) -> None:
    """Write slurm.conf, cgroup.conf (and slurmdbd.conf) of ``cluster`` into ``root/etc``."""
    root = cluster.root
    cgroup = cluster.memory_enforcement == "cgroup"
    lines = [
        "# Test cluster of lcpipe (tests/slurm_cluster.py): one node, loopback, private folders.",
        "ClusterName=lcpipe",
        f"SlurmctldHost={cluster.node}(127.0.0.1)",
        "SlurmctldParameters=enable_configless",
        "SlurmUser=root",
        f"SlurmctldPort={PORTS['slurmctld']}",
        f"SlurmdPort={PORTS['slurmd']}",
        "AuthType=auth/munge",
        f"StateSaveLocation={root / 'state'}",
        f"SlurmdSpoolDir={root / 'spool'}",
        f"SlurmctldPidFile={root / 'run' / 'slurmctld.pid'}",
        f"SlurmdPidFile={root / 'run' / 'slurmd.pid'}",
        f"SlurmctldLogFile={root / 'log' / 'slurmctld.log'}",
        f"SlurmdLogFile={root / 'log' / 'slurmd.log'}",
        "SchedulerType=sched/backfill",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_Core_Memory",
        "MpiDefault=none",
        "ReturnToService=2",
        f"MinJobAge={MIN_JOB_AGE_S}",
        "KillWait=5",
        "InactiveLimit=0",
        "SlurmctldTimeout=60",
        "SlurmdTimeout=120",
        "JobAcctGatherFrequency=task=1",
    ]
    if cgroup:
        lines += [
            "ProctrackType=proctrack/cgroup",
            "TaskPlugin=task/cgroup",
            "JobAcctGatherType=jobacct_gather/cgroup",
        ]
    else:
        lines += [
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/linux",
            "JobAcctGatherParams=OverMemoryKill",
        ]
    if cluster.accounting:
        lines += [
            "AccountingStorageType=accounting_storage/slurmdbd",
            "AccountingStorageHost=127.0.0.1",
            f"AccountingStoragePort={PORTS['slurmdbd']}",
            "AccountingStoreFlags=job_comment",
        ]
    else:
        lines += ["AccountingStorageType=accounting_storage/none"]
    lines += [
        f"NodeName={cluster.node} NodeAddr=127.0.0.1 CPUs={cluster.cpus} RealMemory={cluster.memory_mb} "
        "State=UNKNOWN",
        f"PartitionName={PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
    ]
    cluster.conf.write_text("\n".join(lines) + "\n")
    (root / "etc" / "cgroup.conf").write_text(
        "CgroupPlugin=cgroup/v1\nCgroupMountpoint=/sys/fs/cgroup\nCgroupAutomount=no\n"
        "ConstrainCores=no\nConstrainRAMSpace=yes\nConstrainSwapSpace=no\n"
    )
    if cluster.accounting:
        dbd = root / "etc" / "slurmdbd.conf"
        dbd.write_text(
            "AuthType=auth/munge\nDbdAddr=127.0.0.1\nDbdHost=localhost\n"
            f"DbdPort={PORTS['slurmdbd']}\nSlurmUser=root\n"
            f"PidFile={root / 'run' / 'slurmdbd.pid'}\nLogFile={root / 'log' / 'slurmdbd.log'}\n"
            "StorageType=accounting_storage/mysql\nStorageHost=127.0.0.1\n"
            f"StoragePort={PORTS['mariadb']}\nStorageUser=root\nStorageLoc=slurm_acct_db\n"
        )
        dbd.chmod(0o600)


def start_cluster(root: Path, accounting: bool) -> SlurmCluster:
    """Install what is missing, write the configuration under ``root`` and start a cluster.

    Raises
    ------
    SlurmUnavailable
        When no cluster can be had on this machine (the reason in the message).
    """
    if SYSTEM_CONF.exists():
        raise SlurmUnavailable(f"{SYSTEM_CONF} exists: this machine is configured for another cluster")
    ensure_packages(accounting)
    for folder in ("etc", "state", "spool", "run", "log", "munge"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "munge").chmod(0o700)
    node, cpus, memory_mb = node_line()
    enforcement = "cgroup" if memory_cgroup_available() else "OverMemoryKill"
    cluster = SlurmCluster(root, accounting, node, cpus, memory_mb - 512, enforcement)
    write_config(cluster)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster

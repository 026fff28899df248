#!/usr/bin/env python3
"""nsinit's benchmark: nsinit against tini, tini-static, dumb-init,
catatonit, bare unshare and bwrap, in one run, on this machine.

Run by `make bench` (tests/bench/bench.mk), which installs the peers,
builds the static nsinit and the C helpers, and passes the parameters:

  python3 tests/bench/bench.py --nsinit build/static/nsinit \
      --helpers build/bench --out docs [--runs N] [--orphans N] ...
  python3 tests/bench/bench.py --report-only   # bench.md/png again from
                                               # build/bench/results.json

What it measures, for every configuration that can do the job:

  start-up    wall time of `X -- /bin/true`, from spawn to reaped (bench-run)
  reaping     10,000 double-forked orphans exiting all at once, and one
              after another: time to drain, the reaper's CPU time, the
              peak zombie count (bench-orphans, measured from inside with
              pidfds)
  signals     latency from kill() on the outermost pid to the command's
              sigtimedwait, one signal in flight at a time (bench-sig)
  idle        context switches of every wrapper process over 10 s while
              the command sleeps; RSS and PSS from smaps_rollup
  shutdown    from the command's exit to the wrapper's, with 100 processes
              left behind (bench-leave); what is still running afterwards
  size        bytes on disk and `file`'s verdict

Configurations are measured round-robin within every repetition (in an
order shuffled anew each time), so the noise of a shared machine falls on
all of them alike, and every ratio is against a reference measured in the same
run: bare unshare for start-up, the best peer for the rest. Each
comparison reports medians and spread, never a lone time.

Every process the benchmark starts is pinned with a pidfd as soon as it
is seen and killed through it at the end of its run (and on SIGINT or
SIGTERM), so nothing outlives the benchmark and no reused pid is hit. A
peer that is missing or fails is reported as such; the run goes on.
"""

import argparse
import datetime
import json
import os
import platform
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]


# ---------------------------------------------------------------- statistics

def pct(values, p):
    """The p-th percentile (0..100) with linear interpolation."""
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summary(values):
    if not values:
        return None
    return {"n": len(values), "median": pct(values, 50), "p25": pct(values, 25),
            "p75": pct(values, 75), "p99": pct(values, 99),
            "min": min(values), "max": max(values)}


def paired_ratios(a, b):
    """Per-repetition ratios a[i]/b[i] of two series measured side by side
    (None where either side failed)."""
    return [x / y for x, y in zip(a, b) if x is not None and y]


# ---------------------------------------------------------------- processes

def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def comm(pid):
    return (read(f"/proc/{pid}/comm", "") or "").strip()


def exe(pid):
    try:
        return os.path.realpath(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return None


def children(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        out += [int(x) for x in (read(f"/proc/{pid}/task/{tid}/children", "") or "").split()]
    return out


def descendants(pid):
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children(p):
            if c not in seen:
                seen.append(c)
                todo.append(c)
    return seen


def state(pid):
    s = read(f"/proc/{pid}/stat")
    return s[s.rfind(")") + 2] if s else None


def cpu_ns(pid):
    """Time on CPU: schedstat's first field is in ns; stat's utime+stime
    (in clock ticks, 10 ms) is the fallback."""
    s = read(f"/proc/{pid}/schedstat")
    if s:
        return int(s.split()[0])
    s = read(f"/proc/{pid}/stat")
    if not s:
        return None
    f = s[s.rfind(")") + 2:].split()
    return (int(f[11]) + int(f[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def status_fields(pid, names):
    out = {}
    for line in (read(f"/proc/{pid}/status", "") or "").splitlines():
        k, _, v = line.partition(":")
        if k in names:
            out[k] = int(v.split()[0])
    return out


def ctx_switches(pid):
    f = status_fields(pid, ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
    return sum(f.values()) if len(f) == 2 else None


def cpu_busy(interval=0.5):
    """The share of the machine's CPU time that was busy over interval
    seconds (/proc/stat), while the benchmark itself runs nothing: what other
    jobs use."""
    def sample():
        f = [int(x) for x in (read("/proc/stat", "cpu 0") or "cpu 0").split("\n")[0].split()[1:]]
        idle = f[3] + (f[4] if len(f) > 4 else 0)
        return sum(f[:8]), idle
    t0, i0 = sample()
    time.sleep(interval)
    t1, i1 = sample()
    return 1.0 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


def smaps_rollup(pid):
    out = {}
    for line in (read(f"/proc/{pid}/smaps_rollup", "") or "").splitlines():
        k, _, v = line.partition(":")
        if k in ("Rss", "Pss"):
            out[k] = int(v.split()[0])  # kB
    return out


class Run:
    """One configuration running one command. Every process seen in it is
    pinned with a pidfd, so that kill() reaches exactly those processes."""

    active = set()

    def __init__(self, argv, log):
        self.log = open(log, "ab")
        self.log.write(("$ " + " ".join(argv) + "\n").encode())
        self.log.flush()
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=self.log, start_new_session=True)
        self.pid = self.p.pid
        self.pidfds = {}
        Run.active.add(self)
        self.track(self.pid)

    def track(self, pid):
        if pid not in self.pidfds:
            try:
                self.pidfds[pid] = os.pidfd_open(pid)
            except OSError:
                pass

    def chain(self, cmd_comm, timeout=10.0):
        """The processes from the one started down to the command's parent,
        and the command: found by walking single children from the top until
        a process named cmd_comm (the command, exec'd by then). Pinned."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chain, p = [], self.pid
            while p is not None:
                if comm(p) == cmd_comm and p != self.pid:
                    for q in chain + [p]:
                        self.track(q)
                    return chain, p
                kids = children(p)
                if not kids:
                    break
                named = [k for k in kids[:4] if comm(k) == cmd_comm]
                chain.append(p)
                p = named[0] if named else kids[0]
            if self.p.poll() is not None:
                break
            time.sleep(0.005)
        raise RuntimeError(f"cannot find the command {cmd_comm} under pid {self.pid}")

    def wait(self, timeout):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.p.poll() is None:
            for pid in descendants(self.pid):
                self.track(pid)
        for fd in self.pidfds.values():
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for fd in self.pidfds.values():
            os.close(fd)
        self.pidfds = {}
        self.log.close()
        Run.active.discard(self)


def kill_everything(*_):
    for r in list(Run.active):
        r.kill()
    sys.exit(130)


class Lines:
    """Lines from a FIFO the driver holds open read-write (so opening it
    never blocks either side), with a deadline that also notices the run
    dying."""

    def __init__(self, fd):
        self.fd, self.buf = fd, b""

    def get(self, run, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"no answer within {timeout:.0f} s")
            r, _, _ = select.select([self.fd], [], [], min(left, 0.25))
            if r:
                self.buf += os.read(self.fd, 65536)
            elif run.p.poll() is not None and b"\n" not in self.buf:
                raise RuntimeError(f"the run ended (status {run.p.returncode}) before answering")
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode()


def fifo(path):
    if os.path.exists(path):
        os.unlink(path)
    os.mkfifo(path, 0o600)
    return os.open(path, os.O_RDWR | os.O_NONBLOCK)


def first_error(log):
    lines = [l for l in (read(log, "") or "").splitlines() if l and not l.startswith("$ ")]
    return lines[-1][:200] if lines else ""


# ---------------------------------------------------------------- configurations

class Config:
    def __init__(self, key, label, prefix, binary, group, reaper=True, sig_target="outer",
                 diag=False, note=""):
        self.key, self.label, self.prefix = key, label, prefix
        self.binary, self.group, self.reaper = binary, group, reaper
        self.sig_target, self.diag, self.note = sig_target, diag, note
        self.missing = None

    def argv(self, cmd):
        return self.prefix + cmd

    def shown(self, cmd="CMD"):
        return " ".join(self.prefix + [cmd])


def configs(nsinit):
    ns = os.path.abspath(nsinit)
    C = Config
    return [
        C("nsinit", "nsinit", [ns, "--"], ns, "nsinit",
          note="relay outside + PID 1 of the namespace it makes"),
        C("nsinit-pid1", "unshare+nsinit", UNSHARE + [ns, "--"], ns, "nsinit", sig_target="init",
          note="nsinit as PID 1 (acts as init directly)"),
        C("nsinit-s", "nsinit -s", [ns, "-s", "--"], ns, "nsinit",
          note="no namespace: child subreaper, like tini -s"),
        C("tini", "unshare+tini", UNSHARE + ["tini", "--"], "tini", "peer", sig_target="init"),
        C("tini-s", "tini -s", ["tini", "-s", "--"], "tini", "peer"),
        C("tini-static", "unshare+tini-static", UNSHARE + ["tini-static", "--"], "tini-static",
          "peer", sig_target="init"),
        C("tini-static-s", "tini-static -s", ["tini-static", "-s", "--"], "tini-static", "peer"),
        C("dumb-init", "unshare+dumb-init", UNSHARE + ["dumb-init", "--"], "dumb-init", "peer",
          sig_target="init"),
        C("dumb-init-plain", "dumb-init", ["dumb-init", "--"], "dumb-init", "peer", reaper=False,
          note="not a subreaper: orphans go to the caller's init"),
        C("catatonit", "unshare+catatonit", UNSHARE + ["catatonit", "--"], "catatonit", "peer",
          sig_target="init"),
        C("catatonit-plain", "catatonit", ["catatonit", "--"], "catatonit", "peer",
          note="becomes a child subreaper when not PID 1"),
        C("bwrap", "bwrap", ["bwrap", "--unshare-pid", "--dev-bind", "/", "/"], "bwrap", "peer",
          note="outer bwrap + bwrap's own PID 1 (no --as-pid-1)"),
        C("unshare", "unshare (bare)", list(UNSHARE), "unshare", "baseline", reaper=False,
          note="no init: the command is PID 1"),
        # Diagnostics, for start-up only: what the kernel's part costs.
        C("diag-true", "no wrapper", [], None, "diag", diag=True,
          note="the command alone"),
        C("diag-fork", "unshare (no ns)", ["unshare", "--fork", "--kill-child"], "unshare", "diag",
          diag=True, note="unshare's own cost: exec, fork, wait; no namespace"),
        C("diag-pidns", "unshare -p (no mnt)", ["unshare", "--pid", "--fork", "--kill-child"],
          "unshare", "diag", diag=True, note="PID namespace only: no mount namespace, no /proc"),
    ]


def resolve(cfgs):
    for c in cfgs:
        tools = [a for a in c.prefix[:1]] + ([c.binary] if c.binary else [])
        for t in tools:
            if not (os.path.isabs(t) and os.access(t, os.X_OK)) and not shutil.which(t):
                c.missing = f"{t} is not installed"
        if c.binary and not c.missing:
            c.binary = os.path.realpath(shutil.which(c.binary) or c.binary)


# ---------------------------------------------------------------- the tests

class Bench:
    def __init__(self, a, fresh=True):
        self.a = a
        self.h = os.path.abspath(a.helpers)
        self.logs = os.path.join(os.path.abspath(a.work), "logs")
        if fresh:
            self.tmp = tempfile.mkdtemp(prefix="nsinit-bench.")
            os.makedirs(self.logs, exist_ok=True)
            for f in os.listdir(self.logs):
                os.unlink(os.path.join(self.logs, f))
        self.cfgs = configs(a.nsinit)
        keep = set(x for x in a.configs.split(",") if x)
        if keep:
            self.cfgs = [c for c in self.cfgs if c.key in keep or c.key in ("nsinit", "unshare")]
        resolve(self.cfgs)
        self.res = {"failed": {}}

    def helper(self, name):
        return os.path.join(self.h, name)

    def log(self, test, c):
        return os.path.join(self.logs, f"{test}-{c.key}.log")

    def fail(self, test, c, why):
        self.res["failed"].setdefault(test, {})[c.key] = why
        print(f"  {c.label}: {test} failed: {why}", flush=True)

    def usable(self, test, pred=lambda c: True):
        out = []
        for c in self.cfgs:
            if not c.missing and c.key not in self.res["failed"].get("preflight", {}) and pred(c):
                out.append(c)
        return out

    @staticmethod
    def rotate(items, r):
        """The order of repetition r: every configuration once, shuffled
        (seeded by r, so a rerun repeats it). Not a rotation: with a fixed
        cyclic order each configuration would always follow the same one,
        and inherit whatever that one leaves the kernel to clean up (10,000
        exited processes are freed after RCU grace periods)."""
        out = list(items)
        random.Random(r).shuffle(out)
        return out

    # -- preflight: each configuration once, so a broken one is named early
    def preflight(self):
        print("preflight: each configuration runs /bin/true once", flush=True)
        for c in self.cfgs:
            if c.missing:
                self.fail("preflight", c, c.missing)
                continue
            try:
                p = subprocess.run(c.argv(["/bin/true"]), stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=30, start_new_session=True)
                if p.returncode != 0:
                    self.fail("preflight", c, f"exit {p.returncode}: "
                              + p.stderr.decode(errors="replace").strip()[:200])
            except (OSError, subprocess.TimeoutExpired) as e:
                self.fail("preflight", c, str(e))

    # -- start-up and tear-down
    def startup(self):
        cfgs = self.usable("startup")
        runs = self.a.runs
        print(f"start-up: {len(cfgs)} configurations x {runs} rounds, round-robin", flush=True)
        times = {c.key: [None] * runs for c in cfgs}
        cpu = {c.key: [] for c in cfgs}
        fails = {c.key: 0 for c in cfgs}
        errlog = os.path.join(self.logs, "startup.log")
        for r in range(-3, runs):  # three rounds of warm-up, not kept
            order = self.rotate(cfgs, r)
            argv = [self.helper("bench-run"), "-e", errlog, "-t", "30"]
            for i, c in enumerate(order):
                argv += ([":::"] if i else []) + ["-"] + c.argv(["/bin/true"])
            out = subprocess.run(argv, capture_output=True, text=True, timeout=600).stdout.split("\n")
            for c, line in zip(order, out):
                f = line.split()
                if r < 0 or len(f) != 4:
                    continue
                if f[1] == "0":
                    times[c.key][r] = int(f[0])
                    cpu[c.key].append(int(f[3]))
                else:
                    fails[c.key] += 1
        ref = times.get("unshare")
        out = {}
        for c in cfgs:
            v = [t for t in times[c.key] if t is not None]
            out[c.key] = {"wall": summary(v), "cpu": summary(cpu[c.key]), "failures": fails[c.key],
                          "ratios": paired_ratios(times[c.key], ref) if ref else []}
            if fails[c.key]:
                self.fail("startup", c, f"{fails[c.key]} of {runs} runs failed (see {errlog})")
        self.res["startup"] = out

    # -- orphan reaping
    def reap_once(self, c, mode):
        d = os.path.join(self.tmp, "orphans")
        os.makedirs(d, exist_ok=True)
        sfd, cfd = fifo(os.path.join(d, "status")), fifo(os.path.join(d, "ctl"))
        run = Run(c.argv([self.helper("bench-orphans"), mode, str(self.a.orphans),
                          os.path.join(d, "status"), os.path.join(d, "ctl")]),
                  self.log("reap", c))
        try:
            lines = Lines(sfd)
            line = lines.get(run, 300)
            if line != "ready":
                raise RuntimeError(line)
            chain, _ = run.chain("bench-orphans")
            reaper = chain[-1]
            reaper_comm = comm(reaper)
            cpu0 = cpu_ns(reaper)
            os.write(cfd, b"go\n")
            line = lines.get(run, 300)
            cpu1 = cpu_ns(reaper)
            if not line.startswith("done "):
                raise RuntimeError(line)
            res = json.loads(line[5:])
            os.write(cfd, b"exit\n")
            rc = run.wait(60)
            if res["reaped"] != res["n"]:
                raise RuntimeError(f"only {res['reaped']} of {res['n']} orphans were reaped")
            if rc != 0:
                raise RuntimeError(f"exit status {rc}")
            res["cpu_ns"] = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
            res["reaper"] = reaper_comm
            return res
        finally:
            run.kill()
            os.close(sfd)
            os.close(cfd)

    def reaping(self):
        cfgs = self.usable("reap", lambda c: c.reaper and not c.diag)
        for c in self.usable("reap", lambda c: not c.reaper and not c.diag):
            self.res["failed"].setdefault("reap", {})[c.key] = "n/a: " + c.note
        reps = self.a.reap_reps
        out = {}
        for mode in ("together", "sequential"):
            print(f"reaping ({mode}): {len(cfgs)} configurations x {reps} repetitions of "
                  f"{self.a.orphans} orphans", flush=True)
            runs = {c.key: [None] * reps for c in cfgs}
            for r in range(reps):
                for c in self.rotate(cfgs, r):
                    if c.key in self.res["failed"].get("reap-" + mode, {}):
                        continue
                    try:
                        runs[c.key][r] = self.reap_once(c, mode)
                    except (RuntimeError, OSError, ValueError) as e:
                        self.fail("reap-" + mode, c, f"{e} ({first_error(self.log('reap', c))})")
                    time.sleep(0.1)  # let the kernel finish freeing the last run's processes
            m = {}
            for c in cfgs:
                ok = [x for x in runs[c.key] if x]
                if not ok:
                    continue
                m[c.key] = {
                    "drain": summary([x["drain_ns"] for x in ok]),
                    "drain_series": [x["drain_ns"] if x else None for x in runs[c.key]],
                    "exited": summary([x["exited_ns"] for x in ok]),
                    "tail": summary([x["drain_ns"] - x["exited_ns"] for x in ok]),
                    "realtime": all(x.get("realtime") for x in ok),
                    "made": summary([x["made_ns"] for x in ok]),
                    "cpu": summary([x["cpu_ns"] for x in ok if x["cpu_ns"] is not None]),
                    "zombies": summary([x["peak_zombies"] for x in ok]),
                    "reaper": ok[0]["reaper"],
                }
            out[mode] = m
        self.res["reap"] = out

    # -- signal forwarding: every configuration at once, round-robin per signal
    def signals(self):
        """Rounds of fresh processes; in each, every configuration and the
        sender are pinned to one CPU (the next one each round), so that
        where the scheduler happens to place an init and its command (one
        CPU, or two with a cross-CPU wakeup, which costs ~10 µs more in a
        VM) does not decide the ranking."""
        cfgs = self.usable("signals", lambda c: not c.diag and c.key != "unshare")
        if any(c.key == "unshare" for c in self.usable("signals")):
            self.res["failed"].setdefault("signals", {})["unshare"] = \
                "n/a: unshare forwards no signal (SIGUSR1 would kill it)"
        rounds = self.a.sig_rounds
        print(f"signals: {len(cfgs)} configurations side by side, {self.a.signals} signals each "
              f"in {rounds} rounds, round-robin per signal", flush=True)
        lat = {c.key: [] for c in cfgs}
        ncpu = len(os.sched_getaffinity(0))
        for r in range(rounds):
            cpu = sorted(os.sched_getaffinity(0))[r % ncpu]
            live = [c for c in cfgs if c.key not in self.res["failed"].get("signals", {})]
            self.signal_round(self.rotate(live, r), self.a.signals // rounds, cpu, lat)
        # One more round, not timed: what each forward costs the init's
        # processes, in CPU time (schedstat) and, if perf works here, in
        # system calls (perf stat on raw_syscalls:sys_enter; it slows every
        # system call a little, hence a round of its own).
        cost = {}
        live = [c for c in cfgs if c.key not in self.res["failed"].get("signals", {})]
        if live:
            self.signal_round(live, 500, sorted(os.sched_getaffinity(0))[0], None, cost)
        self.res["signals"] = {
            c.key: {"lat": summary(lat[c.key]), "cost": cost.get(c.key),
                    "target": "outermost" if c.sig_target == "outer" else "PID 1"}
            for c in cfgs if lat[c.key] and c.key not in self.res["failed"].get("signals", {})}

    @staticmethod
    def perf_works():
        if not shutil.which("perf"):
            return False
        p = subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "true"],
                           capture_output=True, text=True)
        return p.returncode == 0 and "raw_syscalls" in p.stderr

    def signal_round(self, cfgs, count, cpu, lat, cost=None):
        warm = self.a.sig_warmup
        pin = ["taskset", "-c", str(cpu)] if shutil.which("taskset") else []
        runs, fds, paths, inits = {}, {}, {}, {}
        perf = None
        try:
            for c in cfgs:
                paths[c.key] = os.path.join(self.tmp, f"sig-{c.key}")
                fds[c.key] = fifo(paths[c.key])
                # Accounting: one signal more than sent, so that the init
                # is still there to be read afterwards.
                extra = 0 if cost is None else 1
                runs[c.key] = Run(pin + c.argv([self.helper("bench-sig"), "recv", paths[c.key],
                                                str(count + warm + extra)]),
                                  self.log("signals", c))
            live = []
            for c in cfgs:
                got, deadline = b"", time.monotonic() + 20
                while len(got) < 16 and time.monotonic() < deadline:
                    r, _, _ = select.select([fds[c.key]], [], [], 0.25)
                    if r:
                        got += os.read(fds[c.key], 16 - len(got))
                    elif runs[c.key].p.poll() is not None:
                        break
                if len(got) < 16:
                    self.fail("signals", c, "the receiver never got ready ("
                              + first_error(self.log("signals", c)) + ")")
                    continue
                try:
                    chain, _ = runs[c.key].chain("bench-sig")
                except RuntimeError as e:
                    self.fail("signals", c, str(e))
                    continue
                target = runs[c.key].pid if c.sig_target == "outer" else chain[-1]
                live.append((c, target))
                inits[c.key] = [q for q in chain if exe(q) == c.binary]
            if cost is not None:
                cpu0 = {k: {q: cpu_ns(q) for q in v} for k, v in inits.items()}
                pids = [q for v in inits.values() for q in v]
                if pids and self.perf_works():
                    perf_out = os.path.join(self.tmp, "perf.txt")
                    perf = subprocess.Popen(["perf", "stat", "--per-thread", "-x,", "-e",
                                             "raw_syscalls:sys_enter", "-o", perf_out, "-p",
                                             ",".join(map(str, pids))],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(0.5)  # perf attaches
            p = subprocess.run(pin + [self.helper("bench-sig"), "send", str(count), str(warm)]
                               + [f"{t}:{paths[c.key]}" for c, t in live],
                               capture_output=True, text=True, timeout=600)
            if cost is not None:
                calls = {}
                if perf:
                    perf.send_signal(signal.SIGINT)
                    perf.wait(10)
                    perf = None
                    for line in (read(perf_out, "") or "").splitlines():
                        f = line.split(",")
                        if len(f) > 2 and "-" in f[0] and f[1].isdigit():
                            calls[int(f[0].rsplit("-", 1)[1])] = int(f[1])
                n = count + warm
                for c, t in live:
                    d = [cpu_ns(q) - cpu0[c.key][q] for q in inits[c.key]
                         if cpu0[c.key][q] is not None and cpu_ns(q) is not None]
                    cost[c.key] = {
                        "procs": len(inits[c.key]),
                        "cpu_ns": sum(d) / n if d else None,
                        "syscalls": sum(calls.get(q, 0) for q in inits[c.key]) / n
                        if calls else None}
                p = subprocess.CompletedProcess(p.args, 0, "", "")
            for line in p.stdout.splitlines():
                w = line.split(" ", 2)
                c, t = live[int(w[0])]
                if w[1] == "fail":
                    alive = "still running" if runs[c.key].p.poll() is None else \
                        f"gone (status {runs[c.key].p.returncode})"
                    self.fail("signals", c, f"{w[2]}; the signalled process "
                              f"({'outermost' if c.sig_target == 'outer' else 'PID 1'}) is {alive}")
                elif lat is not None:
                    lat[c.key].append(int(w[1]))
            for c, t in live:
                if c.key in self.res["failed"].get("signals", {}) or cost is not None:
                    continue
                if runs[c.key].wait(10) != 0:
                    self.fail("signals", c, f"the receiver's run exited {runs[c.key].p.returncode}")
        finally:
            if perf:
                perf.kill()
                perf.wait()
            for r in runs.values():
                r.kill()
            for fd in fds.values():
                os.close(fd)

    # -- idle cost: all configurations at once, over the same window
    def idle(self):
        cfgs = self.usable("idle", lambda c: not c.diag)
        print(f"idle: {len(cfgs)} configurations side by side, {self.a.idle_secs} s", flush=True)
        runs = {}
        try:
            for c in cfgs:
                runs[c.key] = Run(c.argv(["sleep", "3600"]), self.log("idle", c))
            info = {}
            for c in cfgs:
                try:
                    chain, _ = runs[c.key].chain("sleep")
                    info[c.key] = chain
                except RuntimeError as e:
                    self.fail("idle", c, f"{e} ({first_error(self.log('idle', c))})")
            time.sleep(1.0)
            before = {k: {p: ctx_switches(p) for p in ch} for k, ch in info.items()}
            time.sleep(self.a.idle_secs)
            after = {k: {p: ctx_switches(p) for p in ch} for k, ch in info.items()}
            out = {}
            for c in cfgs:
                if c.key not in info:
                    continue
                procs = []
                for p in info[c.key]:
                    b, a_ = before[c.key].get(p), after[c.key].get(p)
                    mem = smaps_rollup(p)
                    procs.append({"pid": p, "comm": comm(p), "init": exe(p) == c.binary,
                                  "wakeups": a_ - b if a_ is not None and b is not None else None,
                                  "rss_kb": mem.get("Rss"), "pss_kb": mem.get("Pss")})
                out[c.key] = {"procs": procs}
                for scope, sel in (("init", [q for q in procs if q["init"]]), ("chain", procs)):
                    out[c.key][scope] = {
                        "n": len(sel),
                        "wakeups": sum(q["wakeups"] for q in sel) if sel and all(
                            q["wakeups"] is not None for q in sel) else None,
                        "rss_kb": sum(q["rss_kb"] or 0 for q in sel),
                        "pss_kb": sum(q["pss_kb"] or 0 for q in sel)}
                out[c.key]["pid1"] = procs[-1] if procs else None  # the command's parent
            self.res["idle"] = out
        finally:
            for r in runs.values():
                r.kill()

    # -- shutdown with processes left behind
    def shutdown_once(self, c, i):
        token = f"nsinit-bench-{os.getpid()}-{i}"
        stamp = os.path.join(self.tmp, "stamp")
        log = self.log("shutdown", c)
        p = subprocess.run([self.helper("bench-run"), "-e", log, "-t", "30", stamp]
                           + c.argv([self.helper("bench-leave"), stamp, str(self.a.left), token]),
                           capture_output=True, text=True, timeout=120)
        time.sleep(0.02)  # let signals already sent land before counting
        left, pids = 0, []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            argv = (read(f"/proc/{d}/cmdline", "") or "").split("\0")
            if token not in argv:
                continue
            pids.append(int(d))  # bench-leave's, and any wrapper still there
            if argv[0].endswith("bench-leave") and state(d) not in (None, "Z", "X"):
                left += 1
        for pid in pids:  # what the init left running: ours to end
            try:
                fd = os.pidfd_open(pid)
                signal.pidfd_send_signal(fd, signal.SIGKILL)
                os.close(fd)
            except OSError:
                pass
        f = p.stdout.split()
        if len(f) != 4 or f[1] != "0" or f[2] == "-1":
            raise RuntimeError(f"status {f[1] if len(f) == 4 else '?'} ({first_error(log)})")
        return int(f[2]), left

    def shutdown(self):
        cfgs = self.usable("shutdown", lambda c: not c.diag)
        runs = self.a.shutdown_runs
        print(f"shutdown: {len(cfgs)} configurations x {runs} rounds, {self.a.left} left behind",
              flush=True)
        t = {c.key: [None] * runs for c in cfgs}
        left = {c.key: [] for c in cfgs}
        i = 0
        for r in range(runs):
            for c in self.rotate(cfgs, r):
                if c.key in self.res["failed"].get("shutdown", {}):
                    continue
                i += 1
                try:
                    t[c.key][r], n = self.shutdown_once(c, i)
                    left[c.key].append(n)
                except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
                    self.fail("shutdown", c, str(e))
        self.res["shutdown"] = {c.key: {"time": summary([x for x in t[c.key] if x is not None]),
                                        "series": t[c.key], "left": max(left[c.key] or [0]),
                                        "left_min": min(left[c.key] or [0])}
                                for c in cfgs if any(x is not None for x in t[c.key])}

    # -- binary sizes
    def sizes(self):
        out = {}
        for c in self.cfgs:
            if (not c.binary or c.missing or c.binary in out
                    or c.key in self.res["failed"].get("preflight", {})):
                continue
            desc = subprocess.run(["file", "-b", c.binary], capture_output=True,
                                  text=True).stdout.strip() if shutil.which("file") else "?"
            out[c.binary] = {"bytes": os.path.getsize(c.binary),
                             "static": "statically linked" in desc or "static-pie" in desc,
                             "stripped": ", stripped" in desc, "file": desc}
        self.res["sizes"] = out

    # -- where nsinit's start-up goes: strace -c of one run, for the report
    def profile(self):
        out = {}
        if not shutil.which("strace"):
            return
        nsinit = next(c for c in self.cfgs if c.key == "nsinit")
        unshare = next(c for c in self.cfgs if c.key == "unshare")
        for c in (nsinit, unshare):
            if c.missing:
                continue
            f = os.path.join(self.tmp, "strace.txt")
            subprocess.run(["strace", "-f", "-c", "-w", "-U", "name,calls,total-time",
                            "-S", "time", "-o", f] + c.argv(["/bin/true"]),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
            rows = []
            for line in (read(f, "") or "").splitlines():
                w = line.split()
                if len(w) == 3 and w[1].isdigit() and w[0] not in ("total", "syscall"):
                    rows.append((w[0], int(w[1]), float(w[2])))
            out[c.key] = rows
        self.res["profile"] = out


# ---------------------------------------------------------------- report

def ms(ns):
    return "–" if ns is None else f"{ns / 1e6:.2f}"


def us(ns):
    return "–" if ns is None else f"{ns / 1e3:.1f}"


def spread(s, f):
    return "–" if not s else f"{f(s['p25'])}–{f(s['p75'])}"


def ratio(x, ref):
    return None if x is None or not ref else x / ref


def rfmt(r):
    return "–" if r is None else f"{r:.2f}x"


def machine():
    model = "?"
    for line in (read("/proc/cpuinfo", "") or "").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = None
    for line in (read("/proc/meminfo", "") or "").splitlines():
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) // 1024
    return {"nproc": os.cpu_count(), "model": model, "kernel": platform.release(),
            "uname": " ".join(platform.uname()[:3] + platform.uname()[4:5]),
            "mem_mib": mem, "debian": (read("/etc/debian_version", "?") or "?").strip()}


def versions(nsinit):
    out = {}
    for pkg in ("tini", "dumb-init", "catatonit", "bubblewrap", "util-linux"):
        v = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True,
                           text=True).stdout.strip() if shutil.which("dpkg-query") else ""
        out[pkg] = v or "?"
    v = subprocess.run([nsinit, "--version"], capture_output=True, text=True)
    out["nsinit"] = v.stdout.strip() or "?"
    if shutil.which("git"):
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        if head:
            out["nsinit"] += f", commit {head}" + (" with uncommitted changes" if dirty else "")
    return out


class Report:
    def __init__(self, b, meta):
        self.b, self.r, self.meta = b, b.res, meta
        self.by = {c.key: c for c in b.cfgs}
        self.L = []

    def w(self, s=""):
        self.L.append(s)

    def label(self, k):
        return self.by[k].label

    def key_of(self, label):
        return next(k for k, c in self.by.items() if c.label == label)

    def failed(self, test, k):
        f = self.r["failed"]
        return f.get(test, {}).get(k) or f.get("preflight", {}).get(k)

    def peers(self, table, key_fn, pred=lambda k: True):
        """The best peer of a table: the lowest key_fn among group 'peer'."""
        best = None
        for k, v in table.items():
            if self.by[k].group != "peer" or not pred(k):
                continue
            x = key_fn(v)
            if x is not None and (best is None or x < best[1]):
                best = (k, x)
        return best

    def build(self):
        a = self.b.a
        m = self.meta["machine"]
        self.w("# nsinit benchmark")
        self.w()
        self.w(f"Generated by `make bench` (tests/bench/bench.py) on {self.meta['date']}, "
               f"in {self.meta['runtime_s']:.0f} s. Every number below comes from this one run; "
               "every ratio compares two configurations measured side by side in it.")
        self.w()
        self.w("| machine | |")
        self.w("|---|---|")
        self.w(f"| CPUs (`nproc`) | {m['nproc']} |")
        self.w(f"| model name | {m['model']} |")
        self.w(f"| kernel | {m['uname']} |")
        self.w(f"| memory | {m['mem_mib']} MiB |")
        self.w(f"| Debian | {m['debian']} |")
        self.w(f"| load average at start / end | {self.meta['load_start']} / "
               f"{self.meta['load_end']} (the reaping test itself adds up to 10,000 runnable "
               "processes at once) |")
        busy = self.r.get("busy", {})
        if busy:
            self.w("| CPU busy with other jobs just before each test | " + ", ".join(
                f"{k} {v * 100:.0f}%" for k, v in busy.items() if v is not None) + " |")
        v = self.meta["versions"]
        self.w(f"| versions | {v['nsinit']} (static, {a.nsinit}); tini {v['tini']}; dumb-init "
               f"{v['dumb-init']}; catatonit {v['catatonit']}; bubblewrap {v['bubblewrap']}; "
               f"util-linux {v['util-linux']} |")
        self.w()
        busy = {k: v for k, v in self.r.get("busy", {}).items() if v is not None}
        if busy and max(busy.values()) > 0.25:
            self.w(f"**The machine was busy during this run**: just before the tests, other jobs "
                   "kept its CPUs " + ", ".join(f"{v * 100:.0f}% busy ({k})"
                                                for k, v in busy.items()) +
                   " (sampled from /proc/stat over 0.5 s while the benchmark ran nothing). "
                   "Wall times are then partly waiting for "
                   "a CPU, which hits a configuration harder the more processes it hands work "
                   "between (nsinit: relay, PID 1 and command; bare unshare: two). The CPU "
                   "times and the ratios are more robust than the times themselves; rerun on a "
                   "quieter machine for absolute numbers.")
            self.w()
        self.w("The machine is shared and noisy (other jobs run on it), so each test "
               "runs its configurations round-robin within every repetition, in a shuffled "
               "order that changes every repetition, and reports medians with their spread; ratios are "
               "ratios of medians, and their spread is the p25–p75 of the ratios of runs "
               "made in the same repetition.")
        self.w()
        self.targets()
        self.configs_table()
        self.startup()
        self.reaping()
        self.signals()
        self.idle()
        self.shutdown()
        self.sizes()
        self.failures()
        self.how()
        return "\n".join(self.L) + "\n"

    # Every target: (name, nsinit's value, reference, met, why)
    def target_rows(self):
        rows = []
        st = self.r.get("startup", {})
        ns, un = st.get("nsinit", {}).get("wall"), st.get("unshare", {}).get("wall")
        if ns and un:
            rt = ns["median"] / un["median"]
            rows.append(("start-up ≤ 0.6x bare unshare", f"{ms(ns['median'])} ms",
                         f"{ms(un['median'])} ms (unshare)", rt, rt <= 0.6,
                         self.startup_why(rt)))
        idle = self.r.get("idle", {}).get("nsinit")
        if idle and idle["init"]["wakeups"] is not None:
            wk = idle["init"]["wakeups"]
            rows.append((f"zero idle wakeups ({a_s(self.b.a.idle_secs)})", f"{wk} (relay + PID 1)",
                         "0", None, wk == 0,
                         "" if wk == 0 else "see the idle table for which process woke"))
        rows += self.rss_size_rows()
        for mode, name in (("together", "reaping, all at once"),
                           ("sequential", "reaping, one after another")):
            t = self.r.get("reap", {}).get(mode, {})
            best = self.peers(t, lambda v: v["drain"]["median"])
            if "nsinit" in t and best:
                rt = t["nsinit"]["drain"]["median"] / best[1]
                pr = paired_ratios(t["nsinit"]["drain_series"], t[best[0]]["drain_series"])
                met = rt <= 1.0
                rows.append((f"{name} ≥ best peer", f"{ms(t['nsinit']['drain']['median'])} ms",
                             f"{ms(best[1])} ms ({self.label(best[0])})", rt, met,
                             self.reap_why(mode, rt, pr, best[0], t)))
        sg = self.r.get("signals", {})
        for q, qn in (("median", "p50"), ("p99", "p99")):
            best = self.peers(sg, lambda v: v["lat"][q])
            if "nsinit" in sg and best:
                x = sg["nsinit"]["lat"][q]
                rt = x / best[1]
                rows.append((f"forwarding {qn} ≥ best peer", f"{us(x)} µs",
                             f"{us(best[1])} µs ({self.label(best[0])})", rt, rt <= 1.0,
                             "" if rt <= 1.0 else self.sig_why(q, rt)))
        return rows

    def decomposition(self, field="wall"):
        """What each part of start-up costs, from the diagnostic
        configurations of the same run (differences of medians)."""
        st = self.r.get("startup", {})

        def m(k):
            v = st.get(k, {}).get(field)
            return v["median"] if v else None
        A, B, C, D = m("diag-true"), m("diag-fork"), m("diag-pidns"), m("unshare")
        E, F = m("nsinit-s"), m("nsinit")
        if None in (A, B, C, D, E, F):
            return None
        return {"cmd": A, "unshare_own": B - A, "pidns": C - B, "mntns_proc": D - C,
                "unshare": D, "nsinit_own": E - A, "nsinit_ns": F - E, "nsinit": F,
                "floor": A + (E - A) + (D - B)}

    def startup_why(self, rt):
        if rt <= 0.6:
            return ""
        st = self.r["startup"]
        cpu = ""
        if st["nsinit"].get("cpu") and st["unshare"].get("cpu"):
            n, u = st["nsinit"], st["unshare"]
            cpu = (f"In CPU time, which waiting for a CPU does not inflate, nsinit takes "
                   f"{n['cpu']['median'] / u['cpu']['median']:.2f}x. ")
            wait_n = n["wall"]["median"] - n["cpu"]["median"]
            wait_u = u["wall"]["median"] - u["cpu"]["median"]
            if wait_n > 2 * wait_u and wait_n > 0.1e6:
                cpu += (f"Its wall time holds {ms(wait_n)} ms of waiting (wall − CPU), unshare's "
                        f"{ms(wait_u)} ms: three processes hand work to each other (relay, PID 1, "
                        "command; bare unshare has two), and on a busy machine each hand-off "
                        "waits for a CPU. ")
        busy = (self.r.get("busy") or {}).get("startup") or 0
        d, what = self.decomposition("cpu" if busy > 0.25 else "wall"), \
            "CPU" if busy > 0.25 else "wall"
        if not d or min(d["cmd"], d["pidns"] + d["mntns_proc"], d["nsinit_own"]) < 0:
            return cpu + "The run was too noisy to split the time into its parts."
        target = 0.6 * d["unshare"]
        out = (cpu + ("Split by CPU time (the machine was busy): " if what == "CPU" else "")
               + f"0.6x is {ms(target)} ms. nsinit's {ms(d['nsinit'])} ms are the command "
               f"({ms(d['cmd'])}), nsinit's own part without namespaces ({ms(d['nsinit_own'])}; "
               f"unshare's own part is {ms(d['unshare_own'])}) and its namespaces "
               f"({ms(d['nsinit_ns'])}; unshare pays {ms(d['pidns'] + d['mntns_proc'])} for "
               "the same kernel work). ")
        if d["floor"] > target:
            return out + (f"Even with namespaces as cheap as unshare's nsinit would take "
                          f"{ms(d['floor'])} ms ({d['floor'] / d['unshare']:.2f}x): the "
                          "target is below what the command, the kernel's namespaces and one "
                          "small static process cost")
        return out + (f"With namespaces as cheap as unshare's it would take {ms(d['floor'])} ms "
                      f"({d['floor'] / d['unshare']:.2f}x): the gap is nsinit's namespace part, "
                      "i.e. its second process (relay + PID 1), their hand-offs and the "
                      "teardown")

    def reap_why(self, mode, rt, pr, best, t):
        if rt <= 1.0:
            return ""
        mine, other = t["nsinit"], t[best]
        why = f"{(rt - 1) * 100:.0f}% slower than {self.label(best)}"
        if pr and pct(pr, 25) <= 1.0 <= pct(pr, 75):
            why += (f", within this run's noise (side-by-side ratios p25–p75 "
                    f"{pct(pr, 25):.2f}–{pct(pr, 75):.2f} span 1)")
        if mine["cpu"] and other["cpu"]:
            why += (f"; nsinit's PID 1 used {ms(mine['cpu']['median'])} ms of CPU, "
                    f"{self.label(best)} {ms(other['cpu']['median'])} ms")
            if mine["cpu"]["median"] <= 1.1 * other["cpu"]["median"]:
                why += (" (no more work: the gap is in how the busy machine shared its CPUs "
                        "between the runs, not in the reaping)")
        if mode == "together":
            why += (f"; the drain is mostly the kernel ending {self.b.a.orphans} processes on "
                    f"{self.meta['machine']['nproc']} CPUs (last exit at "
                    f"{ms(mine['exited']['median'])} ms), which the reaper shares the CPUs with")
        else:
            why += ("; the drain is mostly the rate at which the orphans are made, which "
                    "the reaper's CPU use slows down")
        return why

    def sig_why(self, q, rt):
        sg = self.r["signals"]
        mine = (sg.get("nsinit") or {}).get("cost") or {}
        why = f"{(rt - 1) * 100:.0f}% slower"
        if mine.get("syscalls"):
            others = sorted((v["cost"]["syscalls"], self.label(k)) for k, v in sg.items()
                            if self.by[k].group == "peer" and v.get("cost")
                            and v["cost"].get("syscalls"))
            why += (f": nsinit's relay makes {mine['syscalls']:.0f} system calls per "
                    "forwarded signal"
                    + (f", {others[0][1]} {others[0][0]:.0f}" if others else "")
                    + f", and uses {mine['cpu_ns'] / 1e3:.1f} µs of CPU per signal"
                    + (f" ({others[0][1]}: {sg[self.key_of(others[0][1])]['cost']['cpu_ns'] / 1e3:.1f})"
                       if others else "") + " (see the signal section)")
        return why

    def rss_size_rows(self):
        rows = []
        idle = self.r.get("idle", {})
        if "nsinit" in idle:
            mine = idle["nsinit"]["init"]["rss_kb"]
            others = [(k, v["init"]["rss_kb"]) for k, v in idle.items()
                      if self.by[k].group == "peer" and v["init"]["rss_kb"]]
            if others:
                k, x = min(others, key=lambda kv: kv[1])
                met = mine <= x
                why = "" if met else (
                    f"nsinit's figure is two processes (relay + PID 1); "
                    f"PID 1 alone is {idle['nsinit']['pid1']['rss_kb']} kB")
                rows.append(("init RSS smallest of all", f"{mine} kB (relay + PID 1)",
                             f"{x} kB ({self.label(k)}, init process(es))", mine / x, met, why))
        sz = self.r.get("sizes", {})
        mine = sz.get(self.by["nsinit"].binary)
        if mine:
            peers = {}
            for c in self.b.cfgs:
                if c.group == "peer" and c.binary in sz:
                    peers[os.path.basename(c.binary)] = sz[c.binary]
            if peers:
                k, x = min(peers.items(), key=lambda kv: kv[1]["bytes"])
                met = mine["bytes"] <= x["bytes"]
                statics = {n: s for n, s in peers.items() if s["static"]}
                why = ""
                if not met:
                    why = (f"{k} is {x['bytes']} bytes but dynamically linked: it needs "
                           "the host's libc (about 2 MB) at run time")
                    if statics:
                        sk, sx = min(statics.items(), key=lambda kv: kv[1]["bytes"])
                        why += (f"; among static inits nsinit is the smallest "
                                f"({mine['bytes']} vs {sk} {sx['bytes']} bytes)"
                                if mine["bytes"] <= sx["bytes"] else "")
                rows.append(("binary size smallest of all", f"{mine['bytes']} bytes (static)",
                             f"{x['bytes']} bytes ({k}, {'static' if x['static'] else 'dynamic'})",
                             mine["bytes"] / x["bytes"], met, why))
        return rows

    def targets(self):
        self.w("## Targets")
        self.w()
        self.w("| target | nsinit | reference | ratio | status | why |")
        self.w("|---|---|---|---|---|---|")
        for name, mine, ref, rt, met, why in self.target_rows():
            self.w(f"| {name} | {mine} | {ref} | {rfmt(rt)} | "
                   f"{'**met**' if met else '**missed**'} | {why} |")
        self.w()
        self.w("\"nsinit\" is the default use, `nsinit -- CMD` from a shell: a relay outside "
               "and PID 1 of the new namespace. A target is met when nsinit's median is at "
               "least as good as the target asks (a ratio ≤ 0.60 for start-up, ≤ 1.00 for the "
               "rest); a miss within the noise says so. The forwarding path measured is nsinit's default one: relay to "
               "command through a pidfd, one hop (with -v, or without pidfds, signals go "
               "relay → PID 1 → command).")
        self.w()

    def configs_table(self):
        self.w("## Configurations")
        self.w()
        self.w("`unshare` stands for `unshare --pid --fork --mount-proc --kill-child`. CMD is "
               "`/bin/true` (start-up), `bench-orphans` (reaping), `bench-sig recv` "
               "(signals), `sleep 3600` (idle) or `bench-leave` (shutdown).")
        self.w()
        self.w("| name | command | what is PID 1 | status |")
        self.w("|---|---|---|---|")
        for c in self.b.cfgs:
            cmd = c.shown().replace(" ".join(UNSHARE), "unshare")
            cmd = cmd.replace(os.path.abspath(self.b.a.nsinit), "nsinit")
            st = self.failed("preflight", c.key) or "ok"
            self.w(f"| {c.label} | `{cmd}` | {c.note or 'the init'} | {st} |")
        self.w()

    def startup(self):
        st = self.r.get("startup")
        if not st:
            return
        self.w("## Start-up and tear-down: `X -- /bin/true`")
        self.w()
        self.w(f"Wall time from posix_spawn to waitpid of the outermost process, "
               f"{self.b.a.runs} rounds (after 3 of warm-up), all configurations once per round. "
               "Ratio: against bare unshare (median of nsinit / median of unshare); its "
               "spread is the p25–p75 of the per-round ratios. CPU: user + system time of the "
               "whole process tree (wait4's rusage), which waiting for a CPU does not "
               "inflate; the diagnostic rows (no wrapper, unshare without namespaces or "
               "without the mount namespace) split the time into its parts below.")
        self.w()
        self.w("| configuration | median ms | p25–p75 ms | min–max ms | vs unshare | "
               "per-round ratio p25–p75 | CPU ms (median) | failed runs |")
        self.w("|---|---|---|---|---|---|---|---|")
        ref = st.get("unshare", {}).get("wall")
        for k, v in sorted(st.items(), key=lambda kv: kv[1]["wall"]["median"]
                           if kv[1]["wall"] else 1e18):
            s = v["wall"]
            if not s:
                self.w(f"| {self.label(k)} | failed | | | | | | {v['failures']} |")
                continue
            pr = v["ratios"]
            cpu = ms(v["cpu"]["median"]) if v.get("cpu") else "–"
            self.w(f"| {self.label(k)} | {ms(s['median'])} | {spread(s, ms)} | "
                   f"{ms(s['min'])}–{ms(s['max'])} | "
                   f"{rfmt(ratio(s['median'], ref and ref['median']))} | "
                   + (f"{rfmt(pct(pr, 25))}–{rfmt(pct(pr, 75))}" if pr else "–")
                   + f" | {cpu} | {v['failures']} |")
        self.w()
        d, dc = self.decomposition(), self.decomposition("cpu")
        busy = (self.r.get("busy") or {}).get("startup") or 0
        if d:
            self.w("What the time is made of (differences of the medians above, ms):")
            self.w()
            self.w("| part | how it is obtained | wall ms | CPU ms |")
            self.w("|---|---|---|---|")
            rows = [("the command, `/bin/true`", "no wrapper", "cmd"),
                    ("unshare's own exec, fork and wait", "unshare (no ns) − no wrapper",
                     "unshare_own"),
                    ("a PID namespace, made and torn down", "unshare -p (no mnt) − unshare (no ns)",
                     "pidns"),
                    ("a mount namespace, / made private, a /proc mounted",
                     "unshare (bare) − unshare -p (no mnt)", "mntns_proc"),
                    ("nsinit's own exec, fork and reaping, no namespace", "nsinit -s − no wrapper",
                     "nsinit_own"),
                    ("nsinit's namespaces: clone3 flags, two mounts, relay, teardown",
                     "nsinit − nsinit -s", "nsinit_ns")]
            for what, how, key in rows:
                self.w(f"| {what} | {how} | {ms(d[key])} | {ms(dc[key]) if dc else '–'} |")
            self.w()
            if busy > 0.25 and dc:
                d = dc
                self.w("The machine was busy, so the line below uses the CPU column.")
                self.w()
            self.w(f"So bare unshare is {ms(d['cmd'])} + {ms(d['unshare_own'])} + "
                   f"{ms(d['pidns'] + d['mntns_proc'])} ms (command, unshare, namespaces) and "
                   f"nsinit {ms(d['cmd'])} + {ms(d['nsinit_own'])} + {ms(d['nsinit_ns'])} ms. "
                   f"0.6x of unshare is {ms(0.6 * d['unshare'])} ms; the command plus the "
                   f"namespaces at unshare's cost plus nsinit's own part without them come to "
                   f"{ms(d['floor'])} ms.")
            self.w()
        prof = self.r.get("profile", {})
        if prof:
            self.w("System calls of one run, all processes (`strace -f -c`; the counts are "
                   "exact, strace's times are not shown because it slows every call by more "
                   "than the call costs):")
            self.w()
            self.w("| system call | nsinit | unshare (bare) |")
            self.w("|---|---|---|")
            a = dict((n, c) for n, c, _ in prof.get("nsinit", []))
            b = dict((n, c) for n, c, _ in prof.get("unshare", []))
            for n in sorted(set(a) | set(b), key=lambda n: -max(a.get(n, 0), b.get(n, 0)))[:12]:
                self.w(f"| {n} | {a.get(n, 0)} | {b.get(n, 0)} |")
            self.w(f"| total | {sum(a.values())} | {sum(b.values())} |")
            self.w()
            self.w("unshare's openat, mmap and newfstatat are the dynamic loader's; nsinit's "
                   "prctl calls are PID 1 dropping its capabilities (the bounding set one "
                   "capability at a time) after starting the command.")
            self.w()

    def reaping(self):
        rp = self.r.get("reap")
        if not rp:
            return
        n = self.b.a.orphans
        self.w(f"## Orphan reaping: {n} double-forked orphans")
        self.w()
        self.w("Measured from inside by `bench-orphans`: every orphan is watched through a "
               "pidfd, which polls readable when it exits and hangs up when it is reaped, so "
               "exits and reaps are timed as they happen. *All at once*: the orphans are made "
               "first and block on one pipe, whose writer is closed at t=0. *One after "
               "another*: from t=0 the orphans are made one at a time, each exiting as soon as "
               "its parent has exited. Drain: from t=0 to the last reap; last exit: from t=0 to "
               "the last orphan's exit; reap tail: drain minus last exit, the part only the "
               "reaper's speed decides. Reaper CPU: /proc/PID/schedstat (time on CPU, ns) of "
               "the reaper (PID 1, or the subreaper) over the window. Peak zombies: the most "
               "orphans seen exited but not yet reaped at once (the watcher runs SCHED_FIFO "
               "so that it sees each step as it happens). The orphans are made with "
               "clone(CLONE_VM) (see bench_orphans.c), so that making and ending 10,000 "
               "processes costs little next to reaping them. "
               f"{self.b.a.reap_reps} repetitions per configuration; medians, p25–p75 in "
               "brackets. Ratio: against the best peer's median drain.")
        self.w()
        for mode, title in (("together", "All at once"), ("sequential", "One after another")):
            t = rp.get(mode, {})
            if not t:
                continue
            best = self.peers(t, lambda v: v["drain"]["median"])
            self.w(f"### {title}" + (f" (best peer: {self.label(best[0])})" if best else ""))
            self.w()
            self.w("| configuration | reaper | drain ms | vs best peer | last exit ms | "
                   "reap tail ms | reaper CPU ms | peak zombies |")
            self.w("|---|---|---|---|---|---|---|---|")
            for k, v in sorted(t.items(), key=lambda kv: kv[1]["drain"]["median"]):
                d = v["drain"]
                pr = paired_ratios(v["drain_series"], t[best[0]]["drain_series"]) if best else []
                rt = f"{rfmt(d['median'] / best[1])}" if best else "–"
                if pr and k != best[0]:
                    rt += f" ({rfmt(pct(pr, 25))}–{rfmt(pct(pr, 75))})"
                self.w(f"| {self.label(k)} | {v['reaper']} | {ms(d['median'])} "
                       f"({spread(d, ms)}) | {rt} | {ms(v['exited']['median'])} | "
                       f"{ms(v['tail']['median'])} ({spread(v['tail'], ms)}) | "
                       f"{ms(v['cpu']['median']) if v['cpu'] else '–'} "
                       f"({spread(v['cpu'], ms)}) | {v['zombies']['median']:.0f} "
                       f"({v['zombies']['min']}–{v['zombies']['max']}) |")
            self.w()
        na = {k: v for k, v in self.r["failed"].get("reap", {}).items()}
        if na:
            self.w("Not measured: " + "; ".join(f"{self.label(k)} ({v})" for k, v in na.items())
                   + ".")
            self.w()

    def signals(self):
        sg = self.r.get("signals")
        if not sg:
            return
        self.w(f"## Signal forwarding: {self.b.a.signals} SIGUSR1, one in flight at a time")
        self.w()
        self.w("Latency from just before kill() on the outermost process (nsinit: the relay; "
               "unshare+X: X, PID 1 of the namespace, since unshare forwards nothing; plain X: "
               "X) to the command's return from sigtimedwait, both on CLOCK_MONOTONIC. All "
               "configurations run side by side and get one signal each in turn; "
               f"{self.b.a.sig_rounds} rounds of fresh processes, each round pinned (taskset) "
               "to the next CPU, with the sender, so that whether the scheduler happens to put "
               "an init and its command on one CPU or two (a cross-CPU wakeup costs ~10 µs "
               "more in this VM) does not decide the ranking. "
               f"{self.b.a.sig_warmup} warm-up signals per round are not counted. Ratio: against "
               "the best peer at that percentile. Init CPU and system calls per signal: an "
               "extra, untimed round of 500 signals; CPU from /proc/PID/schedstat, system calls "
               "from `perf stat -e raw_syscalls:sys_enter` (– where perf does not work), summed "
               "over the init's processes (nsinit: relay + PID 1).")
        self.w()
        bp50 = self.peers(sg, lambda v: v["lat"]["median"])
        bp99 = self.peers(sg, lambda v: v["lat"]["p99"])
        self.w("| configuration | signalled | p50 µs | p25–p75 µs | p99 µs | min–max µs | "
               "p50 vs best | p99 vs best | init CPU µs / signal | init syscalls / signal |")
        self.w("|---|---|---|---|---|---|---|---|---|---|")
        for k, v in sorted(sg.items(), key=lambda kv: kv[1]["lat"]["median"]):
            s = v["lat"]
            c = v.get("cost") or {}
            cpu = "–" if c.get("cpu_ns") is None else f"{c['cpu_ns'] / 1e3:.1f}"
            sc = "–" if c.get("syscalls") is None else f"{c['syscalls']:.1f}"
            self.w(f"| {self.label(k)} | {v['target']} | {us(s['median'])} | {spread(s, us)} | "
                   f"{us(s['p99'])} | {us(s['min'])}–{us(s['max'])} | "
                   f"{rfmt(ratio(s['median'], bp50 and bp50[1]))} | "
                   f"{rfmt(ratio(s['p99'], bp99 and bp99[1]))} | {cpu} | {sc} |")
        self.w()
        na = self.r["failed"].get("signals", {})
        if na:
            self.w("Not forwarded / not measured: " + "; ".join(
                f"{self.label(k)}: {v}" for k, v in na.items()) + ".")
            self.w()

    def idle(self):
        idle = self.r.get("idle")
        if not idle:
            return
        self.w(f"## Idle cost: the command sleeps, {a_s(self.b.a.idle_secs)} window")
        self.w()
        self.w("All configurations run side by side over the same window. Wakeups: "
               "voluntary + nonvoluntary context switches (/proc/PID/status), end minus start. "
               "RSS and PSS: /proc/PID/smaps_rollup. *Init* counts the processes running the "
               "init's own binary (nsinit: relay + PID 1; bwrap: outer + its PID 1); *chain* "
               "counts every process between the caller and the command (unshare+X adds "
               "unshare).")
        self.w()
        self.w("| configuration | processes (init marked *) | init wakeups | chain wakeups | "
               "init RSS kB | init PSS kB | chain RSS kB | chain PSS kB |")
        self.w("|---|---|---|---|---|---|---|---|")
        for k, v in sorted(idle.items(), key=lambda kv: kv[1]["init"]["rss_kb"] or 1e9):
            procs = " → ".join(p["comm"] + ("*" if p["init"] else "") for p in v["procs"])
            i, c = v["init"], v["chain"]
            self.w(f"| {self.label(k)} | {procs} | {i['wakeups']} | {c['wakeups']} | "
                   f"{i['rss_kb']} | {i['pss_kb']} | {c['rss_kb']} | {c['pss_kb']} |")
        self.w()

    def shutdown(self):
        sd = self.r.get("shutdown")
        if not sd:
            return
        n = self.b.a.left
        self.w(f"## Shutdown: the command exits leaving {n} processes behind")
        self.w()
        self.w(f"`bench-leave` forks {n} children that block for ever, writes its "
               "CLOCK_MONOTONIC time and exits; the time runs from there to waitpid of the "
               "outermost process returning. *Left running*: processes of the run still alive "
               "20 ms after that (they are then killed by the benchmark). "
               f"{self.b.a.shutdown_runs} rounds. Ratio: against the fastest peer that leaves "
               "nothing running.")
        self.w()
        best = self.peers(sd, lambda v: v["time"]["median"], lambda k: sd[k]["left"] == 0)
        self.w("| configuration | median ms | p25–p75 ms | min–max ms | vs best peer | "
               "left running |")
        self.w("|---|---|---|---|---|---|")
        for k, v in sorted(sd.items(), key=lambda kv: kv[1]["time"]["median"]):
            s = v["time"]
            left = str(v["left"]) if v["left"] == v["left_min"] else \
                f"{v['left_min']}–{v['left']}"
            self.w(f"| {self.label(k)} | {ms(s['median'])} | {spread(s, ms)} | "
                   f"{ms(s['min'])}–{ms(s['max'])} | "
                   f"{rfmt(ratio(s['median'], best and best[1]))} | {left} |")
        self.w()

    def sizes(self):
        sz = self.r.get("sizes")
        if not sz:
            return
        self.w("## Binary size")
        self.w()
        self.w("| binary | bytes on disk | linked | stripped | `file` |")
        self.w("|---|---|---|---|---|")
        for path, s in sorted(sz.items(), key=lambda kv: kv[1]["bytes"]):
            if path.startswith(os.getcwd() + "/"):
                path = os.path.relpath(path)
            self.w(f"| {path} | {s['bytes']} | {'static' if s['static'] else 'dynamic'} | "
                   f"{'yes' if s['stripped'] else 'no'} | {s['file'][:90]} |")
        self.w()
        self.w("A dynamic binary's size leaves out the libc it loads (glibc's libc.so.6 is "
               "about 2 MB), which an init of a container whose root has no libc must carry.")
        self.w()

    def failures(self):
        f = {t: v for t, v in self.r["failed"].items() if v}
        if not f:
            return
        self.w("## What failed or does not apply")
        self.w()
        self.w("| test | configuration | why |")
        self.w("|---|---|---|")
        for t, v in f.items():
            for k, why in v.items():
                self.w(f"| {t} | {self.label(k)} | {why} |")
        self.w()

    def how(self):
        a = self.b.a
        self.w("## How to run")
        self.w()
        self.w("```sh")
        self.w("make bench      # as root; installs the peers, builds build/static/nsinit")
        self.w("# until the Makefile includes tests/bench/bench.mk:")
        self.w("make -f tests/bench/bench.mk bench")
        self.w(f"make bench BENCH_RUNS={a.runs} BENCH_ORPHANS={a.orphans} "
               f"BENCH_REAP_REPS={a.reap_reps} BENCH_SIGNALS={a.signals} "
               f"BENCH_SIG_ROUNDS={a.sig_rounds} BENCH_IDLE_SECS={a.idle_secs:g} "
               f"BENCH_SHUTDOWN_RUNS={a.shutdown_runs} BENCH_LEFT={a.left}")
        self.w("```")
        self.w()
        self.w("The second line spells out the parameters of this run (the defaults unless "
               "overridden). BENCH_ONLY=startup,reap,signals,idle,shutdown runs a subset and "
               "BENCH_CONFIGS=tini,catatonit,... keeps only the named configurations (plus "
               "nsinit and unshare, the references). Raw results: "
               f"{os.path.join(a.work, 'results.json')}; the stderr of every run: "
               f"{os.path.join(a.work, 'logs')}/. The helpers are in tests/bench/: "
               "bench-run (spawn-to-reap timer), bench-orphans, bench-sig, bench-leave.")
        self.w()


def a_s(secs):
    return f"{secs:g} s"


# ---------------------------------------------------------------- chart

def chart(b, rep, path):
    """One panel per comparison; every bar is a configuration's median over
    the reference's, with its per-repetition p25–p75 where there is one."""
    if not shutil.which("gnuplot"):
        print("gnuplot is missing: no chart", flush=True)
        return False
    r, by = b.res, rep.by
    panels = []

    st = r.get("startup", {})
    if "unshare" in st and st["unshare"]["wall"]:
        ref = st["unshare"]["wall"]["median"]
        cref = (st["unshare"].get("cpu") or {}).get("median")
        rows = []
        for k, v in st.items():
            if v["wall"] and k != "unshare":
                pr = v["ratios"]
                c = (v.get("cpu") or {}).get("median")
                rows.append((k, v["wall"]["median"] / ref, pct(pr, 25), pct(pr, 75),
                             c / cref if c and cref else None))
        panels.append(("Start-up + tear-down of X -- /bin/true, vs bare unshare (target 0.6); "
                       "dots: CPU time", rows, 0.6))
    for mode, title in (("together", "Reaping 10k orphans, all at once: drain time vs best peer"),
                        ("sequential", "Reaping 10k orphans, one after another: drain vs best peer")):
        t = r.get("reap", {}).get(mode, {})
        best = rep.peers(t, lambda v: v["drain"]["median"])
        if best:
            title = title.replace("10k", f"{b.a.orphans // 1000}k" if b.a.orphans >= 1000
                                  else str(b.a.orphans))
            rows = []
            for k, v in t.items():
                pr = paired_ratios(v["drain_series"], t[best[0]]["drain_series"])
                rows.append((k, v["drain"]["median"] / best[1], pct(pr, 25), pct(pr, 75)))
            panels.append((title + f" ({by[best[0]].label})", rows, None))
    sg = r.get("signals", {})
    best = rep.peers(sg, lambda v: v["lat"]["median"])
    if best:
        rows = [(k, v["lat"]["median"] / best[1], v["lat"]["p25"] / best[1],
                 v["lat"]["p75"] / best[1]) for k, v in sg.items()]
        panels.append((f"Signal forwarding p50 vs best peer ({by[best[0]].label}); "
                       "bars: p25-p75 of latencies", rows, None))
    sd = r.get("shutdown", {})
    best = rep.peers(sd, lambda v: v["time"]["median"], lambda k: sd[k]["left"] == 0)
    if best:
        rows = []
        for k, v in sd.items():
            pr = paired_ratios(v["series"], sd[best[0]]["series"])
            name = k if v["left"] == 0 else k + "*"
            rows.append((name, v["time"]["median"] / best[1], pct(pr, 25), pct(pr, 75)))
        panels.append((f"Shutdown with {b.a.left} left, vs best complete peer "
                       f"({by[best[0]].label}); * leaves them running", rows, None))
    idle = r.get("idle", {})
    peers = [(k, v["init"]["rss_kb"]) for k, v in idle.items()
             if by[k].group == "peer" and v["init"]["rss_kb"]]
    if peers:
        bk, bx = min(peers, key=lambda kv: kv[1])
        rows = [(k, v["init"]["rss_kb"] / bx, None, None) for k, v in idle.items()
                if v["init"]["rss_kb"]]
        panels.append((f"RSS of the init process(es) vs smallest peer ({by[bk].label}); "
                       "nsinit = relay + PID 1", rows, None))
    if not panels:
        return False

    d = tempfile.mkdtemp(prefix="nsinit-chart.")
    script = ["set terminal pngcairo size 1500,%d font 'DejaVu Sans,10'" % (330 * ((len(panels) + 1) // 2)),
              f"set output '{path}'",
              f"set multiplot layout {(len(panels) + 1) // 2},2 title "
              f"'nsinit (blue) vs peers (orange); grey: no init. Ratios to a reference "
              f"measured in the same run: lower is better, dashed line = 1. {rep.meta['date']}' "
              "font ',13'",
              "set style fill solid 0.8 border -1", "set boxwidth 0.7",
              "set grid ytics lc rgb '#dddddd'", "set xtics rotate by -35 left nomirror",
              "set key off", "set yrange [0:*]", "set offsets 0.5,0.5,0,0",
              "set bmargin 7"]
    colors = {"nsinit": "0x1f77b4", "peer": "0xff7f0e", "baseline": "0x999999", "diag": "0xcccccc"}
    for i, (title, rows, target) in enumerate(panels):
        rows = sorted(rows, key=lambda x: x[1])
        f = os.path.join(d, f"p{i}.dat")
        with open(f, "w") as out:
            for j, (k, rt, lo, hi, *alt) in enumerate(rows):
                alt = alt[0] if alt and alt[0] is not None else float("nan")
                key = k.rstrip("*")
                label = by[key].label + ("*" if k.endswith("*") else "")
                grp = by[key].group
                lo = rt if lo is None else lo
                hi = rt if hi is None else hi
                out.write(f"{j} \"{label}\" {rt:.4f} {lo:.4f} {hi:.4f} {colors[grp]} {alt:.4f}\n")
        top = max(max(x[1], x[3] or 0, (x[4] or 0) if len(x) > 4 else 0) for x in rows)
        script.append(f"set title \"{title}\"")
        script.append(f"set yrange [0:{max(top * 1.15, 1.2):.3f}]")
        line = f"1 w l lc rgb '#333333' dt 2 lw 1.5"
        extra = f", {target} w l lc rgb '#2ca02c' dt 3 lw 2" if target else ""
        if any(len(x) > 4 and x[4] is not None for x in rows):
            extra += ", '' u 1:7 w points pt 7 ps 0.9 lc rgb '#222222'"
        script.append(f"plot '{f}' u 1:3:6:xtic(2) w boxes lc rgb variable, "
                      f"'' u 1:3:4:5 w yerrorbars lc rgb 'black' pt 0, "
                      f"'' u 1:3:(sprintf('%.2f',$3)) w labels offset 0,0.7 font ',8', "
                      f"{line}{extra}")
    script.append("unset multiplot")
    sp = os.path.join(d, "chart.gp")
    with open(sp, "w") as out:
        out.write("\n".join(script) + "\n")
    p = subprocess.run(["gnuplot", sp], capture_output=True, text=True)
    if p.returncode != 0:
        print("gnuplot failed:\n" + p.stderr, flush=True)
        return False
    shutil.rmtree(d, ignore_errors=True)
    return True


# ---------------------------------------------------------------- main

def env_int(name, default):
    return int(os.environ.get(name) or default)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nsinit", default="build/static/nsinit")
    ap.add_argument("--helpers", default="build/bench")
    ap.add_argument("--work", default="build/bench")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--runs", type=int, default=env_int("BENCH_RUNS", 300))
    ap.add_argument("--orphans", type=int, default=env_int("BENCH_ORPHANS", 10000))
    ap.add_argument("--reap-reps", type=int, default=env_int("BENCH_REAP_REPS", 5))
    ap.add_argument("--signals", type=int, default=env_int("BENCH_SIGNALS", 2000))
    ap.add_argument("--sig-rounds", type=int, default=env_int("BENCH_SIG_ROUNDS", 4))
    ap.add_argument("--sig-warmup", type=int, default=50)
    ap.add_argument("--idle-secs", type=float, default=float(os.environ.get("BENCH_IDLE_SECS") or 10))
    ap.add_argument("--shutdown-runs", type=int, default=env_int("BENCH_SHUTDOWN_RUNS", 30))
    ap.add_argument("--left", type=int, default=env_int("BENCH_LEFT", 100))
    ap.add_argument("--configs", default=os.environ.get("BENCH_CONFIGS", ""),
                    help="comma-separated configuration names to keep (default: all)")
    ap.add_argument("--report-only", action="store_true",
                    help="only write bench.md and bench.png again from WORK/results.json")
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""),
                    help="comma-separated tests to run (startup,reap,signals,idle,shutdown)")
    a = ap.parse_args()
    if a.report_only:
        return write_report(a)
    if os.geteuid() != 0:
        sys.exit("bench: run as root: the namespaces need CAP_SYS_ADMIN")
    if not os.access(a.nsinit, os.X_OK):
        sys.exit(f"bench: {a.nsinit} is missing: run make static first")
    signal.signal(signal.SIGINT, kill_everything)
    signal.signal(signal.SIGTERM, kill_everything)

    t0 = time.monotonic()
    b = Bench(a)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "versions": versions(a.nsinit),
            "load_start": (read("/proc/loadavg", "") or "").split()[0:3]}
    meta["load_start"] = " ".join(meta["load_start"])
    only = set(x for x in a.only.split(",") if x)
    try:
        b.preflight()
        for name in ("startup", "reaping", "signals", "idle", "shutdown"):
            short = {"reaping": "reap"}.get(name, name)
            if not only or short in only or name in only:
                b.res.setdefault("busy", {})[short] = cpu_busy()
                t = time.monotonic()
                getattr(b, name)()
                print(f"  ({time.monotonic() - t:.0f} s)", flush=True)
        b.sizes()
        b.profile()
    finally:
        for r in list(Run.active):
            r.kill()
        shutil.rmtree(b.tmp, ignore_errors=True)
    meta["load_end"] = " ".join((read("/proc/loadavg", "") or "").split()[0:3])
    meta["runtime_s"] = time.monotonic() - t0

    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": b.res, "args": vars(a)}, f, indent=1, default=str)
    write_report(a, b, meta)


def write_report(a, b=None, meta=None):
    """bench.md and bench.png from a Bench just run, or (--report-only) from
    the results.json of the last run, with that run's parameters."""
    if b is None:
        with open(os.path.join(a.work, "results.json")) as f:
            saved = json.load(f)
        for k, v in saved.get("args", {}).items():
            if k not in ("report_only", "out", "work"):
                setattr(a, k, v)
        b = Bench(a, fresh=False)
        b.res, meta = saved["results"], saved["meta"]
    os.makedirs(a.out, exist_ok=True)
    rep = Report(b, meta)
    md = rep.build()
    png = os.path.join(a.out, "bench.png")
    if chart(b, rep, png):
        md = md.replace("## Targets", "![ratios](bench.png)\n\n## Targets", 1)
    with open(os.path.join(a.out, "bench.md"), "w") as f:
        f.write(md)
    print(f"wrote {os.path.join(a.out, 'bench.md')} and {png} in {meta['runtime_s']:.0f} s",
          flush=True)
    for row in rep.target_rows():
        print(f"  {'met   ' if row[4] else 'MISSED'} {row[0]}: {row[1]} vs {row[2]}")


if __name__ == "__main__":
    main()

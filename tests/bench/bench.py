#!/usr/bin/env python3
"""nsinit's benchmark: nsinit against tini, tini-static, dumb-init,
catatonit, bare unshare and bwrap, in one run, on this machine.

Run by `make bench` (tests/bench/bench.mk), which installs the peers,
builds the static nsinit and the C helpers (tests/bench/bench_*.c), and
writes docs/bench.md; the raw numbers go to build/bench/results.json.

  start-up    wall and CPU time of `X -- /bin/true` (bench-run), against
              bare unshare
  reaping     N double-forked orphans exiting all at once, and one after
              another: drain time, reaper CPU, peak zombies (bench-orphans)
  signals     kill() on the outermost pid to the command's sigtimedwait,
              one signal in flight at a time, p50 and p99 (bench-sig); each
              against peers whose command is in the same kind of session
  idle        context switches of every wrapper process while the command
              sleeps; RSS and PSS from smaps_rollup
  shutdown    from the command's exit to the wrapper's, with processes left
              behind (bench-leave); what is still running afterwards
  size        bytes on disk and `file`'s verdict

The machine is shared: configurations run round-robin in every
repetition, in an order shuffled anew each time, and every comparison is
of medians measured side by side in this run. Every process a run starts
is pinned with a pidfd and killed through it at the end (and on SIGINT or
SIGTERM). A peer that is missing or fails is reported; the run goes on.
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


def stat(pid, i):
    """Field i after the name in /proc/PID/stat: 0 the state, 3 the session."""
    s = read(f"/proc/{pid}/stat")
    return s[s.rfind(")") + 2:].split()[i] if s else None


def cpu_ns(pid):
    """Time on CPU, in ns (schedstat)."""
    s = read(f"/proc/{pid}/schedstat")
    return int(s.split()[0]) if s else None


def fields(path, names):
    out = {}
    for line in (read(path, "") or "").splitlines():
        k, _, v = line.partition(":")
        if k in names:
            out[k] = int(v.split()[0])
    return out


def ctx_switches(pid):
    f = fields(f"/proc/{pid}/status", ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
    return sum(f.values()) if len(f) == 2 else None


def smaps_rollup(pid):
    return fields(f"/proc/{pid}/smaps_rollup", ("Rss", "Pss"))  # kB


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
    """One way of running CMD. group: nsinit, peer or baseline; reaper: it
    reaps orphans; sig_target: signal the outermost process or the init;
    only: the tests it takes part in (all if empty)."""

    def __init__(self, key, label, prefix, binary, group, reaper=True, sig_target="outer",
                 note="", only=()):
        self.key, self.label, self.prefix, self.binary = key, label, prefix, binary
        self.group, self.reaper, self.sig_target, self.note = group, reaper, sig_target, note
        self.only, self.missing = only, None

    def argv(self, cmd):
        return self.prefix + cmd

    def shown(self, cmd="CMD"):
        return " ".join(self.prefix + [cmd])


def configs(nsinit, base=""):
    ns, U, C = os.path.abspath(nsinit), UNSHARE, Config
    # BENCH_BASE: an nsinit built from an earlier commit, run the same way in
    # the same rounds, so that "no slower than before" is one run's ratio.
    old = [C("base", "nsinit (base)", [os.path.abspath(base), "--"], os.path.abspath(base),
             "base", note="the same as nsinit, built from an earlier commit (BENCH_BASE)"),
           C("base-s", "nsinit -s (base)", [os.path.abspath(base), "-s", "--"],
             os.path.abspath(base), "base", note="the same as nsinit -s, from BENCH_BASE")
           ] if base else []
    return old + [
        C("nsinit", "nsinit", [ns, "--"], ns, "nsinit",
          note="relay outside + PID 1 of the namespace it makes"),
        C("nsinit-pid1", "unshare+nsinit", U + [ns, "--"], ns, "nsinit", sig_target="init",
          note="nsinit as PID 1 (acts as init directly)"),
        C("nsinit-s", "nsinit -s", [ns, "-s", "--"], ns, "nsinit",
          note="no namespace: child subreaper, like tini -s"),
        C("nsinit-setsid", "nsinit --new-session", [ns, "--new-session", "--"], ns, "nsinit",
          note="as nsinit; the command in a session of its own", only=("signals",)),
        C("unshare", "unshare (bare)", list(U), "unshare", "baseline", reaper=False,
          note="no init: the command is PID 1"),
        C("bwrap", "bwrap", ["bwrap", "--unshare-pid", "--dev-bind", "/", "/"], "bwrap", "peer",
          note="outer bwrap + bwrap's own PID 1 (no --as-pid-1)"),
        C("dumb-init-plain", "dumb-init", ["dumb-init", "--"], "dumb-init", "peer", reaper=False,
          note="not a subreaper: orphans go to the caller's init"),
        C("dumb-init-nosetsid", "DUMB_INIT_SETSID=0 dumb-init",
          ["env", "DUMB_INIT_SETSID=0", "dumb-init", "--"], "dumb-init", "peer", reaper=False,
          note="as dumb-init; the command in dumb-init's session", only=("signals",)),
        C("catatonit-plain", "catatonit", ["catatonit", "--"], "catatonit", "peer",
          note="becomes a child subreaper when not PID 1"),
    ] + [C(k, "unshare+" + b, U + [b, "--"], b, "peer", sig_target="init")
         for k, b in (("tini", "tini"), ("tini-static", "tini-static"),
                      ("dumb-init", "dumb-init"), ("catatonit", "catatonit"))
         ] + [C(b + "-s", b + " -s", [b, "-s", "--"], b, "peer") for b in ("tini", "tini-static")]


def resolve(cfgs):
    """Mark what is not installed; make binary the real path of the init."""
    for c in cfgs:
        for t in c.prefix[:1] + [c.binary]:
            if not (os.path.isabs(t) and os.access(t, os.X_OK)) and not shutil.which(t):
                c.missing = f"{t} is not installed"
        if not c.missing:
            c.binary = os.path.realpath(shutil.which(c.binary) or c.binary)


# ---------------------------------------------------------------- the tests

class Bench:
    def __init__(self, a):
        self.a = a
        self.h = os.path.abspath(a.helpers)
        self.logs = os.path.join(os.path.abspath(a.work), "logs")
        self.tmp = tempfile.mkdtemp(prefix="nsinit-bench.")
        os.makedirs(self.logs, exist_ok=True)
        for f in os.listdir(self.logs):
            os.unlink(os.path.join(self.logs, f))
        self.cfgs = configs(a.nsinit, a.base)
        keep = set(x for x in a.configs.split(",") if x)
        if keep:
            self.cfgs = [c for c in self.cfgs
                         if c.key in keep or c.key in ("nsinit", "unshare") or c.group == "base"]
        resolve(self.cfgs)
        self.by = {c.key: c for c in self.cfgs}
        self.res = {"failed": {}}

    def helper(self, name):
        return os.path.join(self.h, name)

    def log(self, test, c):
        return os.path.join(self.logs, f"{test}-{c.key}.log")

    def fail(self, test, c, why):
        self.res["failed"].setdefault(test, {})[c.key] = why
        print(f"  {c.label}: {test} failed: {why}", flush=True)

    def usable(self, test, pred=lambda c: True):
        return [c for c in self.cfgs if not c.missing and (not c.only or test in c.only)
                and c.key not in self.res["failed"].get("preflight", {}) and pred(c)]

    @staticmethod
    def rotate(items, r):
        """Repetition r's order, shuffled (seeded by r): in a fixed order each
        configuration would inherit what the one before leaves the kernel
        to clean up (10,000 exited processes are freed after RCU grace)."""
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
        out = {}
        for c in cfgs:
            v = [t for t in times[c.key] if t is not None]
            out[c.key] = {"wall": summary(v), "cpu": summary(cpu[c.key]), "failures": fails[c.key]}
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
        cfgs = self.usable("reap", lambda c: c.reaper)
        for c in self.usable("reap", lambda c: not c.reaper):
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
                    "exited": summary([x["exited_ns"] for x in ok]),
                    "cpu": summary([x["cpu_ns"] for x in ok if x["cpu_ns"] is not None]),
                    "zombies": summary([x["peak_zombies"] for x in ok]),
                    "reaper": ok[0]["reaper"],
                }
            out[mode] = m
        self.res["reap"] = out

    # -- signal forwarding: every configuration at once, round-robin per signal
    def signals(self):
        """Rounds of fresh processes, each pinned to one CPU (the next one
        each round): where the scheduler places an init and its command
        (a cross-CPU wakeup costs ~10 µs more in a VM) must not decide."""
        cfgs = self.usable("signals", lambda c: c.key != "unshare")
        if any(c.key == "unshare" for c in self.usable("signals")):
            self.res["failed"].setdefault("signals", {})["unshare"] = \
                "n/a: unshare forwards no signal (SIGUSR1 would kill it)"
        rounds = self.a.sig_rounds
        print(f"signals: {len(cfgs)} configurations side by side, {self.a.signals} signals each "
              f"in {rounds} rounds", flush=True)
        lat, self.own_sess = {c.key: [] for c in cfgs}, {}
        cpus = sorted(os.sched_getaffinity(0))
        for r in range(rounds):
            live = [c for c in cfgs if c.key not in self.res["failed"].get("signals", {})]
            self.signal_round(self.rotate(live, r), self.a.signals // rounds,
                              cpus[r % len(cpus)], lat)
        self.res["signals"] = {
            c.key: {"lat": summary(lat[c.key]), "own_session": self.own_sess.get(c.key),
                    "target": "outermost" if c.sig_target == "outer" else "PID 1"}
            for c in cfgs if lat[c.key] and c.key not in self.res["failed"].get("signals", {})}

    def signal_round(self, cfgs, count, cpu, lat):
        warm = 50
        pin = ["taskset", "-c", str(cpu)] if shutil.which("taskset") else []
        runs, fds, paths = {}, {}, {}
        try:
            for c in cfgs:
                paths[c.key] = os.path.join(self.tmp, f"sig-{c.key}")
                fds[c.key] = fifo(paths[c.key])
                runs[c.key] = Run(pin + c.argv([self.helper("bench-sig"), "recv", paths[c.key],
                                                str(count + warm)]),
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
                    chain, cmd = runs[c.key].chain("bench-sig")
                except RuntimeError as e:
                    self.fail("signals", c, str(e))
                    continue
                self.own_sess[c.key] = stat(cmd, 3) != stat(chain[-1], 3)
                live.append((c, runs[c.key].pid if c.sig_target == "outer" else chain[-1]))
            p = subprocess.run(pin + [self.helper("bench-sig"), "send", str(count), str(warm)]
                               + [f"{t}:{paths[c.key]}" for c, t in live],
                               capture_output=True, text=True, timeout=600)
            for line in p.stdout.splitlines():
                w = line.split(" ", 2)
                c, t = live[int(w[0])]
                if w[1] == "fail":
                    alive = "still running" if runs[c.key].p.poll() is None else \
                        f"gone (status {runs[c.key].p.returncode})"
                    self.fail("signals", c, f"{w[2]}; the signalled process is {alive}")
                else:
                    lat[c.key].append(int(w[1]))
            for c, t in live:
                if c.key not in self.res["failed"].get("signals", {}) and runs[c.key].wait(10) != 0:
                    self.fail("signals", c, f"the receiver's run exited {runs[c.key].p.returncode}")
        finally:
            for r in runs.values():
                r.kill()
            for fd in fds.values():
                os.close(fd)

    # -- idle cost: all configurations at once, over the same window
    def idle(self):
        cfgs = self.usable("idle")
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
            for k, chain in info.items():
                procs = [{"pid": p, "comm": comm(p), "init": exe(p) == self.by[k].binary,
                          "wakeups": None if None in (before[k][p], after[k][p])
                          else after[k][p] - before[k][p], **smaps_rollup(p)} for p in chain]
                out[k] = {"procs": procs}
                for scope, sel in (("init", [q for q in procs if q["init"]]), ("chain", procs)):
                    wk = [q["wakeups"] for q in sel]
                    out[k][scope] = {"n": len(sel), "wakeups": None if None in wk else sum(wk),
                                     "rss_kb": sum(q.get("Rss", 0) for q in sel),
                                     "pss_kb": sum(q.get("Pss", 0) for q in sel)}
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
            if argv[0].endswith("bench-leave") and stat(d, 0) not in (None, "Z", "X"):
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
        cfgs = self.usable("shutdown")
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
                                        "left": max(left[c.key] or [0])}
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
    info = {}
    for path, key in (("/proc/cpuinfo", "model name"), ("/proc/meminfo", "MemTotal")):
        for line in (read(path, "") or "").splitlines():
            if line.startswith(key):
                info[key] = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "model": info.get("model name", "?"),
            "uname": " ".join(platform.uname()[:3] + platform.uname()[4:5]),
            "mem": info.get("MemTotal", "?"), "debian": (read("/etc/debian_version", "?")).strip()}


def versions(nsinit, base=""):
    def out(argv):
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip() or "?"
    v = {p: out(["dpkg-query", "-W", "-f", "${Version}", p])
         for p in ("tini", "dumb-init", "catatonit", "bubblewrap", "util-linux")}
    v["nsinit"] = out([nsinit, "--version"]) + ", commit " + out(["git", "rev-parse", "--short",
                                                                  "HEAD"])
    if base:
        v["nsinit"] += "; base " + out([base, "--version"]) + " (" + base + ")"
    return v


class Report:
    """docs/bench.md: the tables, each with one line on what it measures."""

    def __init__(self, b, meta):
        self.b, self.r, self.meta, self.a = b, b.res, meta, b.a
        self.by = {c.key: c for c in b.cfgs}
        self.L = []

    def w(self, *lines):
        """Lines of the report; none: an empty one."""
        self.L.extend(lines or [""])

    def table(self, head, rows):
        self.w("| " + " | ".join(head) + " |")
        self.w("|" + "---|" * len(head))
        for row in rows:
            self.w("| " + " | ".join(str(x) for x in row) + " |")
        self.w()

    def label(self, k):
        return self.by[k].label

    def best_peer(self, table, key_fn):
        """The lowest key_fn among the peers (not nsinit, not baselines)."""
        vals = [(key_fn(v), k) for k, v in table.items()
                if self.by[k].group == "peer" and key_fn(v) is not None]
        return min(vals)[::-1] if vals else None

    def build(self):
        m, v = self.meta["machine"], self.meta["versions"]
        self.w("# nsinit benchmark", "")
        self.w(f"Generated by `make bench` (tests/bench/bench.py) on {self.meta['date']}, in "
               f"{self.meta['runtime_s']:.0f} s. Every number comes from this one run; the "
               "configurations of a test run round-robin in a shuffled order every repetition "
               "(the machine is shared and noisy), and every ratio compares medians measured "
               "side by side.", "")
        self.table(["machine", ""], [
            ["CPUs (`nproc`)", m["nproc"]], ["model name", m["model"]], ["kernel", m["uname"]],
            ["memory", m["mem"]], ["Debian", m["debian"]],
            ["load average at start / end", f"{self.meta['load_start']} / {self.meta['load_end']}"],
            ["versions", f"{v['nsinit']} (static, {self.a.nsinit}); tini {v['tini']}; dumb-init "
             f"{v['dumb-init']}; catatonit {v['catatonit']}; bubblewrap {v['bubblewrap']}; "
             f"util-linux {v['util-linux']}"]])
        for part in (self.targets, self.configs_table, self.startup, self.reaping, self.signals,
                     self.idle, self.shutdown, self.sizes, self.failures, self.how):
            part()
        return "\n".join(self.L).rstrip("\n") + "\n"

    def target_rows(self):
        """(target, nsinit, reference, ratio, met)"""
        rows = []
        st = self.r.get("startup", {})
        ns, un = st.get("nsinit", {}).get("wall"), st.get("unshare", {}).get("wall")
        if ns and un:
            rt = ns["median"] / un["median"]
            rows.append(("start-up ≤ 0.6x bare unshare", f"{ms(ns['median'])} ms",
                         f"{ms(un['median'])} ms (unshare)", rt, rt <= 0.6))
        idle = self.r.get("idle", {})
        if idle.get("nsinit") and idle["nsinit"]["init"]["wakeups"] is not None:
            wk = idle["nsinit"]["init"]["wakeups"]
            rows.append((f"zero idle wakeups ({self.a.idle_secs:g} s)", f"{wk} (relay + PID 1)",
                         "0", None, wk == 0))
        if idle.get("nsinit"):
            best = min(((x["init"]["rss_kb"], k) for k, x in idle.items()
                        if k != "nsinit" and self.by[k].group == "peer" and x["init"]["n"]),
                       default=None)
            if best:
                mine = idle["nsinit"]["init"]["rss_kb"]
                rows.append(("init RSS smallest of all", f"{mine} kB (relay + PID 1)",
                             f"{best[0]} kB ({self.label(best[1])})", mine / best[0],
                             mine <= best[0]))
        sizes = self.r.get("sizes", {})
        mine = sizes.get(self.by["nsinit"].binary)
        others = [(s["bytes"], b) for b, s in sizes.items()
                  if b != self.by["nsinit"].binary and not self.is_base(b)]
        if mine and others:
            best = min(others)
            rows.append(("binary size smallest of all", f"{mine['bytes']} bytes",
                         f"{best[0]} bytes ({os.path.basename(best[1])}, "
                         f"{'static' if sizes[best[1]]['static'] else 'dynamic'})",
                         mine["bytes"] / best[0], mine["bytes"] <= best[0]))
        for mode, name in (("together", "reaping, all at once"),
                           ("sequential", "reaping, one after another")):
            t = self.r.get("reap", {}).get(mode, {})
            best = self.best_peer(t, lambda x: x["drain"]["median"])
            if "nsinit" in t and best:
                rt = t["nsinit"]["drain"]["median"] / best[1]
                rows.append((f"{name} ≥ best peer", f"{ms(t['nsinit']['drain']['median'])} ms",
                             f"{ms(best[1])} ms ({self.label(best[0])})", rt, rt <= 1.0))
        sg = self.r.get("signals", {})
        for k, own in (("nsinit", False), ("nsinit-setsid", True)):
            for q, qn in (("median", "p50"), ("p99", "p99")):
                best = self.best_peer(sg, lambda x: x["lat"][q] if x["own_session"] == own
                                      else None)
                if k in sg and best:
                    x = sg[k]["lat"][q]
                    rows.append((f"forwarding {qn} ≥ best peer alike ({self.label(k)})",
                                 f"{us(x)} µs",
                                 f"{us(best[1])} µs ({self.label(best[0])})", x / best[1],
                                 x <= best[1]))
        rows += self.base_rows()
        return rows

    def is_base(self, binary):
        return any(c.group == "base" and c.binary == binary for c in self.b.cfgs)

    def base_rows(self):
        """nsinit against BENCH_BASE, run alike in the same rounds: no slower."""
        rows = []
        if "base" not in self.by:
            return rows
        pairs = [("start-up", self.r.get("startup", {}), lambda x: x["wall"]["median"], ms, "ms")]
        for mode, name in (("together", "reaping, all at once"),
                           ("sequential", "reaping, one after another")):
            pairs.append((name, self.r.get("reap", {}).get(mode, {}),
                          lambda x: x["drain"]["median"], ms, "ms"))
        pairs.append(("forwarding p50", self.r.get("signals", {}),
                      lambda x: x["lat"]["median"], us, "µs"))
        for name, table, key_fn, f, unit in pairs:
            for mine, old in (("nsinit", "base"), ("nsinit-s", "base-s")):
                if mine in table and old in table:
                    a, b = key_fn(table[mine]), key_fn(table[old])
                    rows.append((f"{name} ≤ base ({self.label(mine)})", f"{f(a)} {unit}",
                                 f"{f(b)} {unit} ({self.label(old)})", a / b, a <= b))
        return rows

    def targets(self):
        self.w("## Targets", "")
        self.table(["target", "nsinit", "reference", "ratio", "status"],
                   [[t, n, ref, rfmt(rt), "met" if ok else "**missed**"]
                    for t, n, ref, rt, ok in self.target_rows()])
        self.w("\"nsinit\" is the default use, `nsinit -- CMD` from a shell: a relay outside and "
               "PID 1 of the new namespace. A ratio is nsinit's median over the reference's; "
               "*alike*: see signal forwarding.", "")

    def configs_table(self):
        self.w("## Configurations", "")
        self.w("`unshare` stands for `" + " ".join(UNSHARE) + "`. CMD is `/bin/true` (start-up), "
               "`bench-orphans` (reaping), `bench-sig recv` (signals), `sleep 3600` (idle) or "
               "`bench-leave` (shutdown).", "")
        pre = self.r["failed"].get("preflight", {})
        self.table(["name", "command", "what is PID 1", "status"],
                   [[c.label, "`" + c.shown().replace(" ".join(UNSHARE), "unshare")
                     .replace(os.path.abspath(self.a.nsinit), "nsinit") + "`",
                     c.note or "the init", pre.get(c.key, "ok")] for c in self.b.cfgs])

    def startup(self):
        st = self.r.get("startup")
        if not st:
            return
        self.w("## Start-up and tear-down: `X -- /bin/true`", "")
        self.w(f"Wall time from posix_spawn to waitpid of the outermost process, {self.a.runs} "
               "rounds, all configurations once per round; CPU: user + system time of the whole "
               "tree (wait4's rusage), which waiting for a CPU does not inflate.", "")
        rows = []
        for k, v in sorted(st.items(), key=lambda kv: kv[1]["wall"]["median"]
                           if kv[1]["wall"] else 1e18):
            if not v["wall"]:
                continue
            un = st.get("unshare", {}).get("wall")
            rows.append([self.label(k), ms(v["wall"]["median"]), spread(v["wall"], ms),
                         rfmt(ratio(v["wall"]["median"], un and un["median"])),
                         ms(v["cpu"]["median"]) if v["cpu"] else "–", v["failures"]])
        self.table(["configuration", "median ms", "p25–p75 ms", "vs unshare", "CPU ms",
                    "failed runs"], rows)

    def reaping(self):
        rp = self.r.get("reap")
        if not rp:
            return
        self.w(f"## Orphan reaping: {self.a.orphans} double-forked orphans", "")
        self.w("Measured from inside by `bench-orphans`, which watches every orphan through a "
               "pidfd. *All at once*: the orphans block on one pipe whose writer closes at t=0. "
               "*One after another*: from t=0 each orphan exits as soon as its parent has. "
               "Drain: t=0 to the last reap; last exit: t=0 to the last orphan's exit; reaper "
               "CPU: schedstat of the reaper over the window; peak zombies: most exited but "
               f"unreaped at once. {self.a.reap_reps} repetitions; medians, p25–p75 in "
               "brackets.", "")
        for mode, title in (("together", "All at once"), ("sequential", "One after another")):
            t = rp.get(mode, {})
            best = self.best_peer(t, lambda x: x["drain"]["median"])
            if not t:
                continue
            self.w(f"### {title}" + (f" (best peer: {self.label(best[0])})" if best else ""), "")
            rows = []
            for k, v in sorted(t.items(), key=lambda kv: kv[1]["drain"]["median"]):
                d = v["drain"]
                rows.append([self.label(k), v["reaper"], f"{ms(d['median'])} ({spread(d, ms)})",
                             rfmt(ratio(d["median"], best and best[1])),
                             ms(v["exited"]["median"]),
                             ms(v["cpu"]["median"]) if v["cpu"] else "–",
                             f"{v['zombies']['median']:.0f}"])
            self.table(["configuration", "reaper", "drain ms", "vs best peer", "last exit ms",
                        "reaper CPU ms", "peak zombies"], rows)

    def signals(self):
        sg = self.r.get("signals")
        if not sg:
            return
        self.w(f"## Signal forwarding: {self.a.signals} SIGUSR1, one in flight at a time", "")
        self.w("Latency from just before kill() on the signalled process (the outermost; "
               "unshare+X: X, PID 1, since unshare forwards nothing) to the command's return "
               "from sigtimedwait, on CLOCK_MONOTONIC. Each round's processes share one CPU.", "")
        self.w("Like is compared with like, *alike*: the best peer whose command is in the same "
               "kind of session (seen in this run). With `sched_autogroup` (here: "
               f"{(read('/proc/sys/kernel/sched_autogroup_enabled', '?') or '?').strip()}) a new "
               "session is a scheduling group of its own, which wakes sooner: dumb-init's default "
               "setsid, not its code, is its lead. So nsinit goes against tini, catatonit and "
               "`DUMB_INIT_SETSID=0 dumb-init`, `nsinit --new-session` against dumb-init.", "")
        best = {(own, q): self.best_peer(sg, lambda x: x["lat"][q] if x["own_session"] == own
                                         else None)
                for own in (False, True) for q in ("median", "p99")}
        rows = [[self.label(k), v["target"], "own" if v["own_session"] else "the init's",
                 us(v["lat"]["median"]), spread(v["lat"], us), us(v["lat"]["p99"])]
                + [rfmt(ratio(v["lat"][q], (best[v["own_session"], q] or [0, 0])[1]))
                   for q in ("median", "p99")]
                for k, v in sorted(sg.items(), key=lambda kv: kv[1]["lat"]["median"])]
        self.table(["configuration", "signalled", "command's session", "p50 µs", "p25–p75 µs",
                    "p99 µs", "p50 vs best alike", "p99 vs best alike"], rows)

    def idle(self):
        idle = self.r.get("idle")
        if not idle:
            return
        self.w(f"## Idle cost: the command sleeps, {self.a.idle_secs:g} s window", "")
        self.w("Wakeups: voluntary + nonvoluntary context switches (/proc/PID/status) over the "
               "window; RSS and PSS: smaps_rollup. *Init*: the processes running the init's own "
               "binary; *chain*: every process from the one started down to the command's "
               "parent.", "")
        rows = []
        for k, v in sorted(idle.items(), key=lambda kv: kv[1]["init"]["rss_kb"]):
            chain = " → ".join(p["comm"] + ("*" if p["init"] else "") for p in v["procs"])
            rows.append([self.label(k), chain, v["init"]["wakeups"], v["chain"]["wakeups"],
                         v["init"]["rss_kb"], v["init"]["pss_kb"], v["chain"]["rss_kb"],
                         v["chain"]["pss_kb"]])
        self.table(["configuration", "processes (init marked *)", "init wakeups",
                    "chain wakeups", "init RSS kB", "init PSS kB", "chain RSS kB",
                    "chain PSS kB"], rows)

    def shutdown(self):
        sd = self.r.get("shutdown")
        if not sd:
            return
        self.w(f"## Shutdown: the command exits leaving {self.a.left} processes behind", "")
        self.w("`bench-leave` forks the processes, writes its CLOCK_MONOTONIC time and exits; "
               "the time runs from there to waitpid of the outermost process. *Left running*: "
               "processes of the run still alive 20 ms later (then killed by the benchmark).", "")
        best = self.best_peer(sd, lambda x: x["time"]["median"] if not x["left"] else None)
        rows = [[self.label(k), ms(v["time"]["median"]), spread(v["time"], ms),
                 rfmt(ratio(v["time"]["median"], best and best[1])), v["left"]]
                for k, v in sorted(sd.items(), key=lambda kv: kv[1]["time"]["median"])]
        self.table(["configuration", "median ms", "p25–p75 ms", "vs best peer that leaves none",
                    "left running"], rows)

    def sizes(self):
        sz = self.r.get("sizes")
        if not sz:
            return
        self.w("## Binary size", "")
        self.table(["binary", "bytes on disk", "linked", "stripped", "`file`"],
                   [[b, s["bytes"], "static" if s["static"] else "dynamic",
                     "yes" if s["stripped"] else "no", s["file"][:90]]
                    for b, s in sorted(sz.items(), key=lambda kv: kv[1]["bytes"])])
        self.w("A dynamic binary's size leaves out the libc it loads (about 2 MB).", "")

    def failures(self):
        rows = [[t, self.label(k), why] for t, f in self.r["failed"].items()
                for k, why in f.items()]
        if rows:
            self.w("## What failed or does not apply", "")
            self.table(["test", "configuration", "why"], rows)

    def how(self):
        a = self.a
        self.w("## How to run", "")
        self.w("```sh")
        self.w("make bench      # as root; installs the peers, builds build/static/nsinit")
        self.w(f"make bench BENCH_RUNS={a.runs} BENCH_ORPHANS={a.orphans} "
               f"BENCH_REAP_REPS={a.reap_reps} BENCH_SIGNALS={a.signals} "
               f"BENCH_SIG_ROUNDS={a.sig_rounds} BENCH_IDLE_SECS={a.idle_secs:g} "
               f"BENCH_SHUTDOWN_RUNS={a.shutdown_runs} BENCH_LEFT={a.left}")
        self.w("```", "")
        self.w("The second line is this run's parameters; BENCH_ONLY and BENCH_CONFIGS run a "
               "subset (tests/bench/bench.mk). Every run's stderr is under build/bench/logs/.")


# ---------------------------------------------------------------- main

# parameter: (environment variable set by bench.mk, default)
PARAMS = {"runs": ("BENCH_RUNS", 300), "orphans": ("BENCH_ORPHANS", 10000),
          "reap_reps": ("BENCH_REAP_REPS", 5), "signals": ("BENCH_SIGNALS", 2000),
          "sig_rounds": ("BENCH_SIG_ROUNDS", 4), "idle_secs": ("BENCH_IDLE_SECS", 10.0),
          "shutdown_runs": ("BENCH_SHUTDOWN_RUNS", 30), "left": ("BENCH_LEFT", 100),
          "configs": ("BENCH_CONFIGS", ""), "only": ("BENCH_ONLY", ""),
          "base": ("BENCH_BASE", "")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for opt, default in (("nsinit", "build/static/nsinit"), ("helpers", "build/bench"),
                         ("work", "build/bench"), ("out", "docs")):
        ap.add_argument("--" + opt, default=default)
    for name, (env, default) in PARAMS.items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(default),
                        default=type(default)(os.environ.get(env) or default), help=env)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench: run as root: the namespaces need CAP_SYS_ADMIN")
    if not os.access(a.nsinit, os.X_OK):
        sys.exit(f"bench: {a.nsinit} is missing: run make static first")
    signal.signal(signal.SIGINT, kill_everything)
    signal.signal(signal.SIGTERM, kill_everything)

    t0 = time.monotonic()
    b = Bench(a)
    loadavg = lambda: " ".join((read("/proc/loadavg", "") or "").split()[0:3])
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "versions": versions(a.nsinit, a.base),
            "load_start": loadavg()}
    only = set(x for x in a.only.split(",") if x)
    try:
        b.preflight()
        for name, short in (("startup", "startup"), ("reaping", "reap"), ("signals", "signals"),
                            ("idle", "idle"), ("shutdown", "shutdown")):
            if not only or short in only or name in only:
                t = time.monotonic()
                getattr(b, name)()
                print(f"  ({time.monotonic() - t:.0f} s)", flush=True)
        b.sizes()
    finally:
        for r in list(Run.active):
            r.kill()
        shutil.rmtree(b.tmp, ignore_errors=True)
    meta["load_end"] = loadavg()
    meta["runtime_s"] = time.monotonic() - t0
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": b.res, "args": vars(a)}, f, indent=1, default=str)

    os.makedirs(a.out, exist_ok=True)
    rep = Report(b, meta)
    with open(os.path.join(a.out, "bench.md"), "w") as f:
        f.write(rep.build())
    print(f"wrote {os.path.join(a.out, 'bench.md')} in {meta['runtime_s']:.0f} s", flush=True)
    for t, n, ref, rt, ok in rep.target_rows():
        print(f"  {'met   ' if ok else 'MISSED'} {t}: {n} vs {ref}")


if __name__ == "__main__":
    main()

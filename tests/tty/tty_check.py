#!/usr/bin/env python3
"""Terminal behaviour of nsinit, checked through a real pseudo-terminal.

usage: tty_check.py NSINIT SCENARIO

Each scenario starts an interactive bash (without rc files) as the session
leader of a fresh pty and drives it like a user at a keyboard: keys go in
through the pty master, what the terminal shows comes back from it. Every
wait has a deadline; nothing sleeps for synchronisation. Exit 0 when the
scenario held, 1 with a message naming what the user would have seen.
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

DEADLINE = float(os.environ.get("TTY_DEADLINE", "10"))


class Terminal:
    def __init__(self, argv, env=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env or os.environ)
        self.seen = b""
        self.mark = 0

    def send(self, data):
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def expect(self, pattern, what, timeout=DEADLINE):
        """Read until `pattern` (a regex) appears after the mark; then move the
        mark past it. Fail with what the terminal showed otherwise."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.seen, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                fail(f"{what}: never saw /{rx.pattern.decode()}/")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    m = rx.search(self.seen, self.mark)
                    if m:
                        self.mark = m.end()
                        return m
                    fail(f"{what}: the terminal closed before /{rx.pattern.decode()}/")
                self.seen += chunk

    def resize(self, rows, cols):
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def fail(msg):
    global term
    shown = term.seen.decode(errors="replace") if term else ""
    sys.stdout.write(f"FAIL: {msg}\n--- the terminal showed ---\n{shown}\n")
    if term:
        term.close()
    sys.exit(1)


BASH = ["bash", "--norc", "--noprofile", "-i"]
ENV = dict(os.environ, PS1="PROMPT$ ", TERM="dumb", HISTFILE="/dev/null")
term = None

# A program that counts the signals it gets and reports on a line of input.
COUNTER = ("import signal,sys;n={'INT':0,'WINCH':0};"
           "signal.signal(signal.SIGINT,lambda*a:n.__setitem__('INT',n['INT']+1));"
           "signal.signal(signal.SIGWINCH,lambda*a:n.__setitem__('WINCH',n['WINCH']+1));"
           "print('ready',flush=True);sys.stdin.readline();"
           "print('INT=%d WINCH=%d'%(n['INT'],n['WINCH']),flush=True)")


# Counts SIGRTMIN+1 (queued: no two merge; taken one by one with
# sigwaitinfo, as Python's handlers would merge them), saying each; at
# SIGRTMIN+2 says the count and exits 0.
RT_COUNTER = ("import signal;n=0;A=signal.SIGRTMIN+1;B=signal.SIGRTMIN+2;"
              "signal.pthread_sigmask(signal.SIG_BLOCK,{A,B});print('ready',flush=True)\n"
              "while signal.sigwaitinfo({A,B}).si_signo==A: n+=1;print('rt',n,flush=True)\n"
              "print('RT=%d'%n,flush=True)")


# A program that says when it is running and when it is continued, and
# otherwise waits for signals.
WAITER = ("python3 -c \"import signal;"
          "signal.signal(signal.SIGCONT,lambda*a:print('continued',flush=True));"
          "print('ready',flush=True);[signal.pause() for _ in iter(int,1)]\"")


def prompt(what):
    term.expect(r"PROMPT\$ ", what)


# The job's "continued" line, not the echo of the command that prints it
# ("print('continued',..."). A background job and bash's prompt write to
# the terminal independently, so the prompt can land between the word and
# its line end: "continuedPROMPT$ \r\n".
CONTINUED = r"continued(?=\r|PROMPT\$ )"


def scenario_bash_job_control(nsinit):
    """nsinit -- bash: job control inside works as in bash alone."""
    term.send(f"exec {nsinit} -- {' '.join(BASH)}\n")
    prompt("the inner bash's prompt")
    if b"cannot set terminal process group" in term.seen or b"no job control" in term.seen:
        fail("bash under nsinit reports that job control is off")
    term.send(WAITER + "\n")
    term.expect(r"\nready\r", "the job starting")
    term.send("\x1a")  # Ctrl-Z
    term.expect(r"Stopped.*python3", "Ctrl-Z on a job inside bash")
    prompt("the prompt after Ctrl-Z")
    term.send("bg\n")
    term.expect(r"python3.*&", "bg")
    term.expect(CONTINUED, "the job continuing in the background")
    # Stop it again, so that fg's SIGCONT (sent after bash gave the job the
    # terminal) tells when it runs in the foreground.
    term.send("set -b; kill -STOP %1\n")  # -b: report the stop at once
    term.expect(r"Stopped.*python3", "kill -STOP of the background job")
    term.send("fg\n")
    term.expect(CONTINUED, "fg: the job continuing in the foreground")
    term.send("\x03")  # Ctrl-C
    prompt("the prompt after Ctrl-C")
    term.send("echo status=$?\n")
    term.expect(r"status=130", "the job ended by Ctrl-C")
    term.send("exit\n")


def scenario_ctrl_c_once(nsinit):
    """Ctrl-C reaches the foreground program exactly once; SIGWINCH reaches it."""
    term.send(f"{nsinit} -- python3 -c \"{COUNTER}\"; echo rc=$?\n")
    term.expect(r"\nready\r", "the counting program starting")
    term.send("\x03")
    term.resize(40, 100)
    term.send("\n")
    m = term.expect(r"INT=(\d+) WINCH=(\d+)", "the counts")
    if m.group(1) != b"1":
        fail(f"Ctrl-C arrived {m.group(1).decode()} times, not once")
    if m.group(2) == b"0":
        fail("SIGWINCH never arrived")
    term.expect(r"rc=0", "nsinit's exit status")
    prompt("the prompt after nsinit exits")


def scenario_stopped_job(nsinit):
    """Ctrl-Z on a command under nsinit: the caller's shell sees a stopped job,
    fg resumes it, and the terminal comes back when nsinit exits."""
    term.send(f"{nsinit} -- python3 -c \"{COUNTER}\"\n")
    term.expect(r"\nready\r", "the program starting")
    term.send("\x1a")
    term.expect(r"Stopped", "Ctrl-Z: the shell reporting a stopped job")
    prompt("the prompt after Ctrl-Z")
    term.send("jobs\n")
    term.expect(r"Stopped.*nsinit", "jobs listing nsinit as stopped")
    prompt("the prompt after jobs")
    term.send("fg\n")
    term.expect(r"nsinit", "fg naming the job")
    term.send("\n")
    term.expect(r"INT=0 WINCH=\d+", "the resumed program reading its line")
    prompt("the prompt once nsinit has exited")
    term.send("echo back-at-$((1+1))\n")
    term.expect(r"back-at-2", "the shell owning the terminal again")


def scenario_bash_job_control_init(nsinit):
    """nsinit as PID 1 in place (a container's init, here under unshare):
    the command leads its own group with the terminal, so bash's job control
    works and Ctrl-Z stops a job."""
    scenario_bash_job_control(f"unshare --pid --fork --mount-proc {nsinit}")


def own_session_key(nsinit, opts, env, key, code):
    """With a session of its own the command is not in the terminal's
    foreground group, nsinit is: a key's signal reaches the command through
    nsinit, once."""
    term.send(f"{env} {nsinit} {opts} -- sleep 100; echo rc=$?\n")
    term.expect(r"sleep 100; echo rc=\$\?\r\n", "the command line echoed")
    # The relay reports the command through -v once it runs.
    term.expect(r"signals go to it directly", "the command running")
    term.send(key)
    term.expect(rf"rc={code}", f"the key {key!r} ending the command")
    prompt("the prompt after the command ended")


def scenario_new_session_keys(nsinit):
    """--new-session and DUMB_INIT_SETSID=1: Ctrl-C and Ctrl-\\ reach the command."""
    own_session_key(nsinit, "-v --new-session", "", "\x03", 130)
    own_session_key(nsinit, "-v --new-session", "", "\x1c", 131)
    own_session_key(nsinit, "-v", "DUMB_INIT_SETSID=1", "\x03", 130)


def scenario_new_session_hangup(nsinit):
    """--new-session: losing the terminal sends the command SIGHUP."""
    mark = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nsinit-hup-{os.getpid()}")
    if os.path.exists(mark):
        os.unlink(mark)
    term.send(f"exec {nsinit} -v --new-session -- sh -c "
              f"'trap \"echo hup > {mark}; exit 0\" HUP; echo ready; "
              f"while :; do sleep 1 & wait $!; done'\n")
    # Its trap is set once it says ready; the relay has its pidfd once it
    # says so; either may come first.
    term.expect(r"(\nready\r[\s\S]*signals go to it directly|"
                r"signals go to it directly[\s\S]*\nready\r)", "the command running")
    os.close(term.fd)
    end = time.monotonic() + DEADLINE
    while not os.path.exists(mark):
        if time.monotonic() > end:
            fail("the command never got SIGHUP when the terminal went away")
        select.select([], [], [], 0.02)  # polling a file with a deadline
    os.unlink(mark)
    term.fd = os.open("/dev/null", os.O_RDONLY)


def scenario_stopped_script(nsinit):
    """Ctrl-Z on a script with a child (its sleep), then fg: the whole
    group goes on, not only the script, which would wait for ever on its
    still stopped sleep."""
    # The sleep runs in the background and sh waits for it with `wait`:
    # dash starts a foreground command with vfork, and a Ctrl-Z that lands
    # before that child's execve stops the child while sh sleeps in vfork,
    # where no stop signal reaches it, so the job never stops (under bash
    # alone too, in about 1 run in 8 when Ctrl-Z follows a TICK).
    term.send(f"{nsinit} -- sh -c 'while :; do echo TICK; sleep 0.2 & wait; done'\n")
    term.expect(r"TICK\r", "the script running")
    term.send("\x1a")
    term.expect(r"Stopped", "Ctrl-Z: the shell reporting a stopped job")
    prompt("the prompt after Ctrl-Z")
    term.send("fg\n")
    term.expect(r"TICK\r[\s\S]*TICK\r", "the script ticking again after fg")
    term.send("\x03")
    prompt("the prompt after Ctrl-C")


def scenario_kill_job_once(nsinit):
    """kill %1 reaches the command once: the job's process group holds the
    relay and PID 1 (which stays there to wake the job), and only the
    relay's copy is forwarded."""
    term.send(f"set -b; {nsinit} -- python3 -c \"{RT_COUNTER}\" &\n")
    # A background job's line can follow the prompt on the same line.
    term.expect(r"ready\r", "the counting program starting")
    term.send("kill -s RTMIN+1 %1; kill -s RTMIN+1 %1\n")
    term.expect(r"rt 2\r", "the two signals arriving")
    term.send("kill -s RTMIN+2 %1; wait %1; echo rc=$?\n")
    m = term.expect(r"RT=(\d+)", "the count")
    if m.group(1) != b"2":
        fail(f"two signals sent to the job arrived {m.group(1).decode()} times")
    term.expect(r"rc=0", "nsinit's exit status")
    prompt("the prompt after nsinit exits")


SCENARIOS = {
    "kill-job-once": scenario_kill_job_once,
    "stopped-script": scenario_stopped_script,
    "bash-job-control": scenario_bash_job_control,
    "bash-job-control-init": scenario_bash_job_control_init,
    "new-session-keys": scenario_new_session_keys,
    "new-session-hangup": scenario_new_session_hangup,
    "ctrl-c-once": scenario_ctrl_c_once,
    "stopped-job": scenario_stopped_job,
}


def main():
    global term
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        sys.exit(f"usage: {sys.argv[0]} NSINIT {{{'|'.join(SCENARIOS)}}}")
    nsinit = sys.argv[1]
    term = Terminal(BASH, ENV)
    prompt("the outer bash's prompt")
    SCENARIOS[sys.argv[2]](nsinit)
    term.close()
    print("ok")


if __name__ == "__main__":
    main()

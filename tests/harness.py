"""Test harness shared by Flern's end-to-end tests: starts the real flern-server and a throwaway
PostgreSQL 15 cluster on free loopback ports, and runs statements through the real psql client.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError("server exited early with code %s" % process.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not open port %d" % port)


class PsqlResult:
    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    @property
    def sqlstates(self):
        """SQLSTATEs of the errors psql printed (with VERBOSITY=sqlstate: 'ERROR:  42P01')."""
        states = []
        for line in self.stderr.splitlines():
            if line.startswith("ERROR:") or line.startswith("FATAL:"):
                states.append(line.split()[-1])
        return states


class FlernServer:
    """The real flern-server binary on a free port with its own data directory."""

    def __init__(self, binary, data_dir=None, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.owned_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="flern-data-")
        self.port = free_port()
        self.process = None
        self.log_path = os.path.join(tempfile.gettempdir(), "flern-%d.log" % self.port)

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--data-dir", self.data_dir] + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        return self

    def stop(self, timeout=60):
        """Clean shutdown (SIGTERM): the server writes a checkpoint before exiting."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=timeout)
        self.log.close()
        return self.process.returncode

    def alive(self):
        return self.process.poll() is None

    def cleanup(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.owned_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def psql(self, sql, extra=()):
        return run_psql(["-h", "127.0.0.1", "-p", str(self.port), "-U", "flern", "-d", "flern"],
                        sql, extra)


class PostgresServer:
    """A throwaway PostgreSQL 15 cluster (initdb in a temporary directory, unix socket only)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="flern-pg-")
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the cluster as the postgres user.
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = os.path.join(self.dir, "data")

    def start(self):
        subprocess.run(self.as_user + [PG_BIN + "/initdb", "-D", self.data, "-U", "postgres",
                                       "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        subprocess.run(self.as_user + [PG_BIN + "/pg_ctl", "-D", self.data, "-w", "-l",
                                       os.path.join(self.dir, "log"), "-o",
                                       "-p %d -k %s -c listen_addresses='' -c fsync=off "
                                       "-c TimeZone=UTC -c DateStyle='ISO, MDY'"
                                       % (self.port, self.dir), "start"],
                       check=True, stdout=subprocess.DEVNULL)
        return self

    def stop(self):
        subprocess.run(self.as_user + [PG_BIN + "/pg_ctl", "-D", self.data, "-m", "immediate",
                                       "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, database="postgres", extra=()):
        return run_psql(["-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", database],
                        sql, extra)


def run_psql(connection, sql, extra=()):
    env = dict(os.environ, PGOPTIONS="", PGTZ="UTC", PGCLIENTENCODING="UTF8")
    process = subprocess.run(
        ["psql", "-X", "-v", "VERBOSITY=sqlstate"] + list(connection) + list(extra) + ["-c", sql],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
    return PsqlResult(process.returncode, process.stdout, process.stderr)

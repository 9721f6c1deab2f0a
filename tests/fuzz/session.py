"""The two servers of a fuzzing run: a fresh flern-server and a throwaway PostgreSQL 15, both
loaded with the same statements. A Flern crash or hang restarts Flern and reloads the schema."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import oracle  # noqa: E402


class Session:
    def __init__(self, flern_binary, timeout):
        self.flern_binary = flern_binary
        self.timeout = timeout
        self.pg = harness.PostgresServer().start()
        self.pg_end = oracle.Endpoint(
            "host=%s port=%d user=postgres dbname=postgres options='-c statement_timeout=%d'"
            % (self.pg.dir, self.pg.port, int(timeout * 1000)), timeout, async_mode=False)
        self.pg_end.connect()
        self.flern = None
        self.fl_end = None
        self.loaded = []          # statements that built the current tables
        self.restarts = 0
        self.start_flern()

    def start_flern(self):
        if self.flern is not None:
            self.flern.cleanup()
        self.flern = harness.FlernServer(self.flern_binary).start()
        self.fl_end = oracle.Endpoint("host=127.0.0.1 port=%d user=fuzz dbname=fuzz"
                                      % self.flern.port, self.timeout, async_mode=True)
        self.fl_end.connect()

    def restart_flern(self):
        self.restarts += 1
        self.start_flern()
        for sql in self.loaded:
            self.fl_end.run(sql)

    def flern_alive(self):
        """The server process still runs and answers SELECT 1."""
        if not self.flern.alive():
            return False
        if self.fl_end.conn is None:
            try:
                self.fl_end.connect()
            except Exception:
                return False
        out = self.fl_end.run("SELECT 1")
        return out.status == "ok" and out.rows == [("1",)]

    def load(self, statements):
        """Runs the statements on both; returns (statement, pg, flern) of the first whose
        outcomes differ, or None."""
        self.loaded = list(statements)
        for sql in statements:
            pg = self.pg_end.run(sql)
            fl = self.fl_end.run(sql)
            if oracle.verdict(pg, fl, ordered=False, check_types=False) is not None:
                return sql, pg, fl
        return None

    def both(self, sql):
        pg = self.pg_end.run(sql)
        fl = self.fl_end.run(sql)
        return pg, fl

    def ensure_flern(self):
        """After a statement: a dead or hung Flern is restarted (and reported by the caller)."""
        if self.flern_alive():
            return True
        self.restart_flern()
        return False

    def close(self):
        self.pg_end.close()
        self.fl_end.close()
        if self.flern is not None:
            log = self.flern.log_path
            self.flern.cleanup()
            try:
                os.unlink(log)
            except OSError:
                pass
        self.pg.stop()

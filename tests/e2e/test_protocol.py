"""The wire protocol under bad input: garbage bytes, broken lengths, abrupt disconnects and
concurrent sessions never take the server down, and errors end the statement only."""
import os
import socket
import subprocess
import struct
import threading
import time
import unittest

from e2e_common import FLERN_SERVER, harness


def startup_packet(user="x"):
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0\0"
    return struct.pack("!i", len(body) + 4) + body


class Protocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.FlernServer(FLERN_SERVER).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def assertServerWorks(self):
        self.assertTrue(self.server.alive())
        result = self.server.psql("SELECT 41 + 1", extra=["-A", "-t"])
        self.assertEqual(result.stdout.strip(), "42", result.stderr)

    def send(self, payload, read=True):
        """Sends raw bytes; with `read`, returns everything the server sends until it closes."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(payload)
            reply = b""
            while read:
                try:
                    chunk = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not chunk:
                    break
                reply += chunk
            return reply

    def test_random_garbage(self):
        for seed in range(20):
            self.send(os.urandom(64 + seed * 97), read=False)
        self.assertServerWorks()

    def test_bad_lengths(self):
        self.send(struct.pack("!i", 2))                 # shorter than its own length field
        self.send(struct.pack("!i", 1 << 30) + b"xx")   # huge startup packet
        reply = self.send(startup_packet() + b"Q" + struct.pack("!i", -7))
        self.assertIn(b"08P01", reply)  # FATAL, then the server closes the connection
        self.assertServerWorks()

    def test_ssl_request_is_refused_with_N(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(struct.pack("!ii", 8, 80877103))
            self.assertEqual(s.recv(1), b"N")
        self.assertServerWorks()

    def test_unknown_message_type(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(startup_packet())
            time.sleep(0.1)
            s.recv(65536)
            s.sendall(b"?" + struct.pack("!i", 4))
            reply = s.recv(65536)
            self.assertIn(b"08P01", reply)
        self.assertServerWorks()

    def test_disconnect_in_the_middle_of_a_big_result(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(startup_packet())
            time.sleep(0.1)
            s.recv(65536)
            sql = b"SELECT g, 'padding padding padding' FROM generate_series(1, 2000000) g\0"
            s.sendall(b"Q" + struct.pack("!i", len(sql) + 4) + sql)
            s.recv(1024)
        self.assertServerWorks()

    def test_error_does_not_end_the_session(self):
        result = self.server.psql("SELECT 1/0; SELECT 'not run'", extra=["-A", "-t"])
        self.assertEqual(result.sqlstates, ["22012"])
        self.assertNotIn("not run", result.stdout)
        # One session, several failing statements, then a working one.
        script = "SELECT * FROM nosuch;\nSELECT 1/0;\nSELEC;\nSELECT 'alive';\n"
        process = subprocess.run(
            ["psql", "-X", "-A", "-t", "-v", "VERBOSITY=sqlstate", "-h", "127.0.0.1", "-p",
             str(self.server.port), "-U", "x", "-d", "x"],
            input=script, capture_output=True, text=True, timeout=60)
        self.assertEqual(process.stdout.strip(), "alive")
        self.assertEqual([l.split()[-1] for l in process.stderr.splitlines()],
                         ["42P01", "22012", "42601"])

    def test_deeply_nested_statements(self):
        def run(sql):
            return subprocess.run(["psql", "-X", "-A", "-t", "-v", "VERBOSITY=sqlstate", "-h", "127.0.0.1",
                                   "-p", str(self.server.port), "-U", "x", "-d", "x"],
                                  input=sql, capture_output=True, text=True, timeout=300)
        deep = run("SELECT " + "+".join(["1"] * 100000) + ";\n")
        self.assertEqual(deep.stdout.strip(), "100000", deep.stderr)
        # Far too deep: a clean 54001, as PostgreSQL reports, never a crashed server.
        too_deep = run("SELECT " + "+".join(["1"] * 1000000) + ";\n")
        self.assertEqual(too_deep.stderr.split()[-1], "54001", too_deep.stderr)
        self.assertServerWorks()

    def test_query_memory_limit(self):
        # A result or hash table beyond the limit ends the query with 53200, not the server.
        small = harness.FlernServer(FLERN_SERVER, extra_args=["--query-memory-mb", "64"]).start()
        try:
            big_result = small.psql("SELECT g, 'padding padding padding' FROM generate_series(1, 10000000) g")
            self.assertEqual(big_result.sqlstates, ["53200"])
            big_groups = small.psql("SELECT count(*) FROM (SELECT g FROM generate_series(1, 5000000) g "
                                    "GROUP BY g) s")
            self.assertEqual(big_groups.sqlstates, ["53200"])
            # The memory of failed queries is given back: a query within the limit still runs.
            fits = small.psql("SELECT count(*) FROM generate_series(1, 1000) g", extra=["-A", "-t"])
            self.assertEqual(fits.stdout.strip(), "1000")
        finally:
            small.cleanup()

    def test_concurrent_sessions(self):
        self.server.psql("CREATE TABLE IF NOT EXISTS shared (a INTEGER)")
        errors = []

        def worker(index):
            for i in range(5):
                ok = self.server.psql("INSERT INTO shared SELECT g FROM generate_series(1, 1000) g")
                bad = self.server.psql("SELECT a / 0 FROM shared")
                if ok.sqlstates or bad.sqlstates != ["22012"]:
                    errors.append((index, ok.stderr, bad.stderr))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        count = self.server.psql("SELECT count(*) FROM shared", extra=["-A", "-t"])
        self.assertEqual(count.stdout.strip(), str(6 * 5 * 1000))
        self.assertServerWorks()

    def test_error_positions_match_postgres(self):
        postgres = harness.PostgresServer().start()
        try:
            postgres.psql("CREATE TABLE t (a INTEGER)")
            self.server.psql("CREATE TABLE IF NOT EXISTS t (a INTEGER)")
            for sql in ["SELECT a FROM t WHERE b = 1", "SELECT * FROM t JOIN nosuch ON true",
                        "SELECT a,, FROM t", "SELECT 'abc'::integer", "SELECT a + 'x' FROM t"]:
                ours = self.server.psql(sql, extra=["-v", "VERBOSITY=default"])
                theirs = postgres.psql(sql, extra=["-v", "VERBOSITY=default"])
                self.assertEqual(ours.stderr, theirs.stderr, sql)
        finally:
            postgres.stop()


if __name__ == "__main__":
    unittest.main()

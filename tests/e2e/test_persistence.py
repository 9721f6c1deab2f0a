"""Tables and models survive a clean restart (SIGTERM) and a CHECKPOINT followed by a crash."""
import signal
import subprocess
import unittest

from e2e_common import FLERN_SERVER, harness, rows


class Persistence(unittest.TestCase):
    def setUp(self):
        self.server = harness.FlernServer(FLERN_SERVER).start()

    def tearDown(self):
        self.server.cleanup()

    def restart(self):
        data_dir = self.server.data_dir
        self.server.owned_dir = False
        self.assertTrue(self.server.alive(), "server died before the restart")
        returncode = self.server.stop()
        log = open(self.server.log_path).read()
        self.assertEqual(returncode, 0, log)
        self.assertIn("checkpoint written", log)
        self.server = harness.FlernServer(FLERN_SERVER, data_dir).start()
        self.server.owned_dir = True

    def snapshot(self):
        result = self.server.psql(
            "SELECT count(*), sum(id), min(name), max(name), sum(price), min(day), max(day), "
            "count(flag), min(v), sum(f), sum(b) FROM items", extra=["-A", "-t"])
        self.assertEqual(result.stderr, "")
        return result.stdout

    def fill(self):
        statements = [
            "CREATE TABLE items (id INTEGER NOT NULL, name TEXT, price NUMERIC(10,2), day DATE, "
            "flag BOOLEAN, v VARCHAR(20), f DOUBLE PRECISION, b BIGINT)",
            "INSERT INTO items SELECT g, 'item number ' || g, g / 7.0, DATE '2020-01-01' + g % 400, "
            "g % 3 = 0, 'v' || g % 10, g * 0.5, g::bigint * 1000000 FROM generate_series(1, 200000) g",
            "INSERT INTO items VALUES (0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            "CREATE MODEL m PREDICT f TRAIN linear_regression AS SELECT id, f FROM items WHERE id > 0",
        ]
        for sql in statements:
            result = self.server.psql(sql)
            self.assertEqual(result.stderr, "", sql)

    def test_clean_restart_keeps_tables_and_models(self):
        self.fill()
        before = self.snapshot()
        models_before = self.server.psql("SELECT * FROM flern_models", extra=["-A", "-t"]).stdout
        self.restart()
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.server.psql("SELECT * FROM flern_models", extra=["-A", "-t"]).stdout,
                         models_before)
        predicted = rows(self.server.psql("SELECT PREDICT(m, 10) FROM items WHERE id = 1",
                                          extra=["-A", "-t"]))
        self.assertAlmostEqual(float(predicted[0][0]), 5.0, places=6)

    def test_every_value_comes_back(self):
        self.fill()
        dump = "SELECT * FROM items ORDER BY id"
        before = self.server.psql(dump, extra=["-A", "-t"]).stdout
        self.assertEqual(len(before.splitlines()), 200001)
        self.restart()
        after = self.server.psql(dump, extra=["-A", "-t"])
        self.assertEqual(after.stderr, "")
        self.assertEqual(after.stdout, before)

    def test_smallint_real_timestamp_interval_survive_restart(self):
        # 70,000 rows: two chunks, so values past the first chunk's end are read back too.
        statements = [
            "CREATE TABLE times (id INTEGER, s SMALLINT, r REAL, ts TIMESTAMP, tz TIMESTAMPTZ, "
            "iv INTERVAL)",
            "INSERT INTO times SELECT g, (g % 65536 - 32768)::smallint, g / 7.0, "
            "TIMESTAMP '1999-12-31 23:59:59.5' + g * INTERVAL '1 hour 0.25 seconds', "
            "TIMESTAMPTZ '2020-02-29 12:00:00+02' - g * INTERVAL '1 day', "
            "g * INTERVAL '1 mon 1 day 00:00:01' FROM generate_series(1, 70000) g",
            "INSERT INTO times VALUES (0, NULL, NULL, NULL, NULL, NULL)",
        ]
        for sql in statements:
            self.assertEqual(self.server.psql(sql).stderr, "", sql)
        dump = "SELECT * FROM times ORDER BY id"
        before = self.server.psql(dump, extra=["-A", "-t"]).stdout
        lines = before.splitlines()
        self.assertEqual(len(lines), 70001)
        self.assertEqual(lines[0], "0|||||")
        self.assertEqual(lines[1], "1|-32767|0.14285715|2000-01-01 00:59:59.75|"
                                   "2020-02-28 10:00:00+00|1 mon 1 day 00:00:01")
        self.restart()
        after = self.server.psql(dump, extra=["-A", "-t"])
        self.assertEqual(after.stderr, "")
        self.assertEqual(after.stdout, before)

    def test_checkpoint_then_crash(self):
        self.fill()
        self.assertEqual(self.server.psql("CHECKPOINT").stdout.strip(), "CHECKPOINT")
        before = self.snapshot()
        # Changes after the checkpoint are lost in a crash until the write-ahead log exists.
        self.server.psql("INSERT INTO items VALUES (-1, 'after', 1, '2020-01-01', true, 'x', 1, 1)")
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait()
        data_dir = self.server.data_dir
        self.server.log.close()
        self.server = harness.FlernServer(FLERN_SERVER, data_dir).start()
        self.server.owned_dir = True
        self.assertEqual(self.snapshot(), before)

    def test_second_server_on_the_same_data_directory_is_refused(self):
        second = harness.FlernServer(FLERN_SERVER, self.server.data_dir)
        process = subprocess.run([FLERN_SERVER, "--port", str(second.port), "--data-dir",
                                  self.server.data_dir], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(process.returncode, 0)
        self.assertIn("in use by another Flern server", process.stderr)
        self.assertTrue(self.server.alive())

    def test_zone_maps_are_recomputed_at_start_up(self):
        # Not checkpointed: after the restart, chunk skipping must still work from the rows.
        self.fill()
        self.restart()
        result = self.server.psql("EXPLAIN ANALYZE SELECT count(*) FROM items WHERE id > 190000",
                                  extra=["-A", "-t"])
        self.assertEqual(result.stderr, "")
        self.assertRegex(result.stdout, r"Chunks Skipped: [1-9]")
        count = self.server.psql("SELECT count(*) FROM items WHERE id > 190000", extra=["-A", "-t"])
        self.assertEqual(rows(count), [["10000"]])

    def test_drop_survives_restart(self):
        self.fill()
        self.server.psql("DROP TABLE items")
        self.server.psql("DROP MODEL m")
        self.restart()
        self.assertEqual(self.server.psql("SELECT * FROM items").sqlstates, ["42P01"])
        self.assertEqual(self.server.psql("SELECT count(*) FROM flern_models",
                                          extra=["-A", "-t"]).stdout.strip(), "0")


if __name__ == "__main__":
    unittest.main()

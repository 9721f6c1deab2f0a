"""Views survive a restart and go with DROP TABLE ... CASCADE; a WITH entry read twice is
computed once (EXPLAIN ANALYZE); a recursion that never ends stops with an error and leaves the
server working."""
import re
import unittest

from e2e_common import FLERN_SERVER, harness, rows


class ViewsAndCtes(unittest.TestCase):
    def setUp(self):
        self.server = harness.FlernServer(FLERN_SERVER).start()

    def tearDown(self):
        self.server.cleanup()

    def run_sql(self, sql, extra=("-A", "-t")):
        result = self.server.psql(sql, extra=list(extra))
        self.assertEqual(result.stderr, "", sql)
        return result

    def restart(self):
        data_dir = self.server.data_dir
        self.server.owned_dir = False
        self.assertEqual(self.server.stop(), 0)
        self.server = harness.FlernServer(FLERN_SERVER, data_dir).start()
        self.server.owned_dir = True

    def test_views_survive_restart_and_cascade(self):
        for sql in ["CREATE TABLE t (id INTEGER, name VARCHAR(5))",
                    "INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 100) g",
                    "CREATE VIEW evens (k, label) AS SELECT id, name FROM t WHERE id % 2 = 0",
                    "CREATE VIEW few AS SELECT k FROM evens WHERE k < 10",
                    "CREATE VIEW other AS SELECT 1 AS one"]:
            self.run_sql(sql)
        before = self.run_sql("SELECT count(*), max(label) FROM evens").stdout
        self.restart()
        self.assertEqual(self.run_sql("SELECT count(*), max(label) FROM evens").stdout, before)
        self.assertEqual(rows(self.run_sql("SELECT sum(k) FROM few")), [["20"]])
        # The dependencies came back too.
        refused = self.server.psql("DROP TABLE t")
        self.assertEqual(refused.sqlstates, ["2BP01"])
        self.assertEqual(rows(self.run_sql("SELECT count(*) FROM evens")), [["50"]])
        # OR REPLACE keeps checking the stored columns after a restart.
        self.assertEqual(self.server.psql("CREATE OR REPLACE VIEW evens AS SELECT id FROM t")
                         .sqlstates, ["42P16"])
        dropped = self.server.psql("DROP TABLE t CASCADE")
        self.assertNotIn("ERROR", dropped.stderr)
        self.assertIn("NOTICE", dropped.stderr)  # drop cascades to 2 other objects
        for view in ["evens", "few"]:
            self.assertEqual(self.server.psql("SELECT * FROM %s" % view).sqlstates, ["42P01"])
        self.restart()
        self.assertEqual(self.server.psql("SELECT * FROM few").sqlstates, ["42P01"])
        self.assertEqual(rows(self.run_sql("SELECT one FROM other")), [["1"]])
        # The names are free again for tables.
        self.run_sql("CREATE TABLE evens (x INTEGER)")

    def test_insert_into_view_is_unsupported(self):
        self.run_sql("CREATE TABLE t (id INTEGER)")
        self.run_sql("CREATE VIEW v AS SELECT id FROM t")
        self.assertEqual(self.server.psql("INSERT INTO v VALUES (1)").sqlstates, ["0A000"])

    def test_cte_read_twice_is_computed_once(self):
        self.run_sql("CREATE TABLE big (id INTEGER, g INTEGER)")
        self.run_sql("INSERT INTO big SELECT i, i % 50 FROM generate_series(1, 20000) i")
        query = ("WITH s AS (SELECT g, count(*) AS n FROM big GROUP BY g) "
                 "SELECT count(*) FROM s a JOIN s b ON a.g < b.g")
        self.assertEqual(rows(self.run_sql(query)), [["1225"]])
        plan = self.run_sql("EXPLAIN ANALYZE " + query).stdout
        # One scan of the table, producing its 20,000 rows once; two scans of the CTE's buffer.
        scans = re.findall(r"Seq Scan on big.*actual=(\d+)", plan)
        self.assertEqual(scans, ["20000"], plan)
        buffers = re.findall(r"CTE Scan on s .*actual=(\d+)", plan)
        self.assertEqual(buffers, ["50", "50"], plan)
        self.assertIn("CTE s", plan)
        # Read once, it is inlined: the filter reaches the table scan's zone maps.
        once = self.run_sql("EXPLAIN WITH s AS (SELECT id FROM big) SELECT * FROM s WHERE id = 5")
        self.assertNotIn("CTE", once.stdout)
        self.assertIn("zone filter", once.stdout)

    def test_recursion_in_explain_analyze(self):
        self.run_sql("CREATE TABLE e (a INTEGER, b INTEGER)")
        self.run_sql("INSERT INTO e SELECT g, g + 1 FROM generate_series(1, 99) g")
        plan = self.run_sql("EXPLAIN ANALYZE WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
                            "SELECT e.b FROM r JOIN e ON e.a = r.n) SELECT count(*) FROM r").stdout
        # 100 rows in all; the recursive term ran 100 times, its counts add up over them.
        self.assertRegex(plan, r"Recursive Union All r .*actual=100\)")
        self.assertRegex(plan, r"WorkTable Scan on r .*actual=100\)")
        self.assertRegex(plan, r"Seq Scan on e .*actual=9900\)")
        self.assertRegex(plan, r"CTE Scan on r .*actual=100\)")

    def test_endless_recursion_stops(self):
        result = self.server.psql(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r) SELECT count(*) FROM r")
        self.assertEqual(len(result.sqlstates), 1)
        self.assertIn(result.sqlstates[0], ["53200", "54000"])
        self.assertTrue(self.server.alive())
        self.assertEqual(rows(self.run_sql("SELECT 1")), [["1"]])


class RecursionMemory(unittest.TestCase):
    """With a small query memory limit: an endless recursion that grows ends in 53200, and a
    long one that builds a hash table per iteration does not (the replaced tables give their
    memory back)."""

    def setUp(self):
        self.server = harness.FlernServer(FLERN_SERVER, extra_args=["--query-memory-mb", "64"])
        self.server.start()

    def tearDown(self):
        self.server.cleanup()

    def test_growing_recursion_hits_the_memory_limit(self):
        result = self.server.psql(
            "WITH RECURSIVE r(n, pad) AS (SELECT g, 'some text that takes room' FROM "
            "generate_series(1, 1000) g UNION ALL SELECT n, pad FROM r) SELECT count(*) FROM r")
        self.assertEqual(result.sqlstates, ["53200"])
        self.assertEqual(rows(self.server.psql("SELECT 2", extra=["-A", "-t"])), [["2"]])

    def test_many_iterations_with_a_join_each(self):
        for sql in ["CREATE TABLE step (a INTEGER, b INTEGER)",
                    "INSERT INTO step SELECT g, g + 1 FROM generate_series(1, 20000) g"]:
            self.assertEqual(self.server.psql(sql).sqlstates, [])
        # 20,000 iterations, each joining the working table with a hash table built anew.
        result = self.server.psql(
            "WITH RECURSIVE walk(n) AS (SELECT 1 UNION ALL "
            "SELECT s.b FROM walk w JOIN step s ON s.a = w.n) SELECT count(*), max(n) FROM walk",
            extra=["-A", "-t"])
        self.assertEqual(result.stderr, "")
        self.assertEqual(rows(result), [["20001", "20001"]])


if __name__ == "__main__":
    unittest.main()

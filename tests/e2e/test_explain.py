"""EXPLAIN shows the plan, EXPLAIN (IR) the generated Flern IR, EXPLAIN ANALYZE compile and
execution times."""
import os
import re
import unittest

from e2e_common import FLERN_SERVER, harness


class Explain(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.FlernServer(FLERN_SERVER).start()
        for sql in ["CREATE TABLE a (id INTEGER, v INTEGER)", "CREATE TABLE b (id INTEGER, w TEXT)",
                    "INSERT INTO a SELECT g, g % 10 FROM generate_series(1, 1000) g",
                    "INSERT INTO b SELECT g, 'w' || g FROM generate_series(1, 100) g"]:
            assert not cls.server.psql(sql).sqlstates

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def explain(self, sql):
        result = self.server.psql(sql, extra=["-A", "-t"])
        self.assertEqual(result.stderr, "")
        return result.stdout.splitlines()

    def test_plan_shape(self):
        lines = self.explain("EXPLAIN SELECT a.v, count(*) FROM a JOIN b ON a.id = b.id "
                             "WHERE b.w LIKE 'w1%' GROUP BY a.v ORDER BY 2 DESC LIMIT 3")
        text = "\n".join(lines)
        for node in ["Limit 3", "Sort", "Hash Aggregate", "Hash Join", "Seq Scan on a",
                     "Seq Scan on b", "Filter"]:
            self.assertIn(node, text)
        # The smaller table is the build side (second child), with its filter pushed below the join.
        join = next(i for i, l in enumerate(lines) if "Hash Join" in l)
        self.assertIn("Seq Scan on a", lines[join + 1])
        self.assertTrue(any("Filter" in l for l in lines[join + 2:]))
        self.assertIn("Seq Scan on b", lines[-1])

    def test_ir_dump(self):
        lines = self.explain("EXPLAIN (IR) SELECT v, count(*) FROM a GROUP BY v")
        text = "\n".join(lines)
        self.assertIn("Flern IR:", text)
        self.assertIn("func @query", text)
        self.assertIn("hashtable.insert", text)
        self.assertIn("state @table.a", text)

    def test_llvm_dump(self):
        text = "\n".join(self.explain("EXPLAIN (LLVM) SELECT sum(v) FROM a WHERE id > 10"))
        self.assertIn("LLVM IR (optimized):", text)
        self.assertIn("define void @query", text)

    def test_analyze_reports_compile_time(self):
        text = "\n".join(self.explain("EXPLAIN ANALYZE SELECT sum(v) FROM a"))
        compile_ms = re.search(r"Compile Time: ([0-9.]+) ms \(lower [0-9.]+ ms, optimize [0-9.]+ ms, "
                               r"machine code [0-9.]+ ms, (\d+) LLVM instructions\)", text)
        self.assertIsNotNone(compile_ms, text)
        self.assertGreater(float(compile_ms.group(1)), 0)
        self.assertGreater(int(compile_ms.group(2)), 0)
        self.assertRegex(text, r"Execution Time: [0-9.]+ ms")
        self.assertIn("Rows: 1", text)

    def test_analyze_reports_actual_rows_per_operator(self):
        lines = self.explain("EXPLAIN ANALYZE SELECT a.v, count(*) FROM a JOIN b ON a.id = b.id "
                             "WHERE a.v < 5 GROUP BY a.v")
        actual = {}
        for line in lines:
            match = re.search(r"(Seq Scan on \w+|Hash Join|Hash Aggregate|Filter).*actual=(\d+)", line)
            if match:
                actual.setdefault(match.group(1), int(match.group(2)))
        # a has 1000 rows, b 100; ids 1..100 join, and half of those have v < 5.
        self.assertEqual(actual.get("Seq Scan on a"), 1000, lines)
        self.assertEqual(actual.get("Seq Scan on b"), 100, lines)
        self.assertEqual(actual.get("Filter"), 500, lines)
        self.assertEqual(actual.get("Hash Join"), 50, lines)
        self.assertEqual(actual.get("Hash Aggregate"), 5, lines)

    def test_estimated_rows_and_logical_plan(self):
        lines = self.explain("EXPLAIN VERBOSE SELECT a.v FROM a JOIN b ON a.id = b.id WHERE b.w = 'w7'")
        join = next(l for l in lines if "Hash Join" in l)
        self.assertRegex(join, r"\(rows=\d+\)")
        self.assertIn("Optimized logical plan:", lines)
        self.assertTrue(any("Inner Join ON" in l for l in lines))


    def test_analyze_reports_chunks_skipped(self):
        # INSERT fills chunks of 1,024, 4,096, 16,384 rows, then the remaining 8,496: three end
        # below 25,000.
        self.assertFalse(self.server.psql("CREATE TABLE c (k INTEGER)").sqlstates)
        self.assertFalse(self.server.psql(
            "INSERT INTO c SELECT g FROM generate_series(1, 30000) g").sqlstates)
        text = "\n".join(self.explain("EXPLAIN ANALYZE SELECT count(*) FROM c WHERE k > 25000"))
        self.assertIn("Seq Scan on c (zone filter: #0 > 25000)", text)
        self.assertIn("Chunks Skipped: 3", text)
        text = "\n".join(self.explain("EXPLAIN ANALYZE SELECT count(*) FROM c WHERE k <> 25000"))
        self.assertIn("Chunks Skipped: 0", text)
        self.assertEqual(self.server.psql("SELECT count(*) FROM c WHERE k > 25000",
                                          extra=["-A", "-t"]).stdout.strip(), "5000")

QUERIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tpch", "queries")


class TpchPlans(unittest.TestCase):
    """Plans of TPC-H queries whose naive forms are cross products: every join of Q5 and Q19
    must have an equality condition (a hash key), none may be a keyless product."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.FlernServer(FLERN_SERVER).start()
        assert not cls.server.psql("CALL tpch_load(0.01)").sqlstates

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def plan(self, name):
        with open(os.path.join(QUERIES, name)) as f:
            sql = f.read()
        result = self.server.psql("EXPLAIN " + sql, extra=["-A", "-t"])
        self.assertEqual(result.stderr, "", name)
        return result.stdout.splitlines()

    def check_joins_have_keys(self, name, expected_joins):
        joins = [l for l in self.plan(name) if "Join" in l]
        self.assertEqual(len(joins), expected_joins, "\n".join(joins))
        for line in joins:
            self.assertNotRegex(line, r"Join: true", line)
            self.assertRegex(line, r"Join: #\d+ = build\.#\d+", line)

    def test_q05_joins_on_keys(self):
        # customer, orders, lineitem, supplier, nation, region: five joins, all on keys
        # (customer must not meet supplier on nationkey alone before orders).
        self.check_joins_have_keys("q05.sql", 5)

    def test_q19_join_key_pulled_out_of_the_or(self):
        self.check_joins_have_keys("q19.sql", 1)


if __name__ == "__main__":
    unittest.main()

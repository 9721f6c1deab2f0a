"""Self-tests of the differential fuzzer's parts that need no server: reproducible generation,
the oracle's comparisons and verdicts, and the generator's guards against PostgreSQL's
constant folding (a broken guard shows up as false alarms; a broken oracle as missed bugs)."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential_fuzzer  # noqa: E402
import expr_gen  # noqa: E402
import features  # noqa: E402
import oracle  # noqa: E402
import query_gen  # noqa: E402
import schema_gen  # noqa: E402
from expr_gen import Node  # noqa: E402


def generate(seed, count, flags):
    schema = schema_gen.random_schema(random.Random(seed), flags)
    return schema, [query_gen.QueryGen(random.Random(seed * 1000003 + i), flags, schema).query()
                    for i in range(count)]


def ok(rows, types):
    return oracle.Outcome(rows=rows, types=types, status="ok")


def err(state):
    return oracle.Outcome(sqlstate=state, message="x", status="error")


class Generation(unittest.TestCase):
    def test_same_seed_same_statements(self):
        flags = features.Flags()
        s1, q1 = generate(7, 30, flags)
        s2, q2 = generate(7, 30, flags)
        self.assertEqual(s1.script(), s2.script())
        self.assertEqual([q.sql() for q in q1], [q.sql() for q in q2])
        _, q3 = generate(8, 30, flags)
        self.assertNotEqual([q.sql() for q in q1], [q.sql() for q in q3])

    def test_no_folding_hazards_or_avoided_forms(self):
        all_on = features.Flags(enable=[k for k, v in features.FEATURES.items() if not v])
        for flags in (features.Flags(), all_on):
            for seed in range(1, 6):
                _, queries = generate(seed, 60, flags)
                for q in queries:
                    for node in q.all_nodes():
                        self.assertFalse(expr_gen.fold_hazard(node), q.sql())
                        self.assertFalse(expr_gen.avoided_form(node, flags), q.sql())

    def test_features_off_stay_out(self):
        # Each feature's telltale text appears exactly when the feature is switched on.
        words = {"outer_joins": " LEFT JOIN ", "set_operations": " UNION", "window_functions":
                 " OVER (", "ctes": "WITH ", "exists_subqueries": "EXISTS (", "nullif": "NULLIF("}
        off = features.Flags(disable=list(words))
        text = " ".join(q.sql() for q in generate(3, 200, off)[1])
        for word in words.values():
            self.assertNotIn(word, text)
        on = features.Flags(enable=["set_operations", "outer_joins"])
        text = " ".join(q.sql() for q in generate(3, 200, on)[1])
        self.assertIn(" UNION", text)
        self.assertIn(" JOIN ", text)

    def test_unknown_flag_is_refused(self):
        with self.assertRaises(SystemExit):
            features.Flags(enable=["no_such_feature"])


class FoldingGuards(unittest.TestCase):
    col = Node("int4", "a.c0", ref=True)

    def test_constant_failing_operation(self):
        one, zero = Node("int4", "1"), Node("int4", "0")
        self.assertTrue(expr_gen.fold_hazard(Node("int4", "({0} / {1})", [one, zero],
                                                  risky=True)))
        self.assertFalse(expr_gen.fold_hazard(Node("int4", "({0} / {1})", [self.col, zero],
                                                   risky=True)))

    def test_strict_operation_on_constant_null(self):
        risky = Node("int4", "({0} / {1})", [self.col, self.col], risky=True)
        null = Node("int4", "CAST(NULL AS integer)")
        self.assertTrue(expr_gen.fold_hazard(Node("int4", "({0} - {1})", [null, risky])))
        folded = Node("int4", "({0} / {1})", [null, self.col], risky=True)   # NULL / x
        self.assertTrue(expr_gen.constant_null(folded))
        self.assertFalse(expr_gen.fold_hazard(Node("int4", "COALESCE({0}, {1})", [null, risky])))


class Oracle(unittest.TestCase):
    def test_multiset_and_order(self):
        a = ok([("1", "x"), ("2", None)], [23, 25])
        b = ok([("2", None), ("1", "x")], [23, 25])
        self.assertIsNone(oracle.verdict(a, b, ordered=False))
        self.assertEqual(oracle.verdict(a, b, ordered=True), "rows differ")
        c = ok([("1", "x"), ("1", "x")], [23, 25])
        self.assertEqual(oracle.verdict(a, c, ordered=False), "rows differ")

    def test_float_tolerance_only_for_floats(self):
        f = ok([("0.30000000000000004",)], [701])
        self.assertIsNone(oracle.verdict(f, ok([("0.3",)], [701]), ordered=False))
        self.assertEqual(oracle.verdict(f, ok([("0.3001",)], [701]), ordered=False),
                         "rows differ")
        n = ok([("0.30000000000000004",)], [1700])
        self.assertEqual(oracle.verdict(n, ok([("0.3",)], [1700]), ordered=False),
                         "rows differ")
        self.assertEqual(oracle.verdict(n, ok([("0.30000000000000004",)], [701]),
                                        ordered=False), "result types differ")

    def test_errors(self):
        self.assertIsNone(oracle.verdict(err("22012"), err("22012"), ordered=False))
        self.assertEqual(oracle.verdict(err("22012"), err("22003"), ordered=False),
                         "sqlstate 22012 vs 22003")
        self.assertEqual(oracle.verdict(ok([], [23]), err("22003"), ordered=False),
                         "error only on Flern (22003)")
        self.assertEqual(oracle.verdict(err("42883"), ok([], [23]), ordered=False),
                         "error only on PostgreSQL (42883)")
        crash = oracle.Outcome(status="crash", message="gone")
        self.assertEqual(oracle.verdict(err("22012"), crash, ordered=False), "flern-crash")

    def test_evaluation_order_relaxation_is_narrow(self):
        self.assertTrue(oracle.data_exception_order(ok([], [23]), err("22012")))
        self.assertTrue(oracle.data_exception_order(err("22003"), err("22012")))
        self.assertFalse(oracle.data_exception_order(ok([], [23]), err("42883")))
        self.assertFalse(oracle.data_exception_order(ok([], [23]), err("XX000")))

    def test_tlp_partitions(self):
        _, queries = generate(2, 40, features.Flags())
        q = next(q for q in queries if differential_fuzzer.tlp_predicate(
            q, random.Random(0), features.Flags()) is not None)
        p = Node("bool", "(a1.c0 IS NULL)", ref=True)
        parts = [x.sql() for x in differential_fuzzer.partitions(q, p)]
        self.assertEqual(len(parts), 3)
        self.assertIn("(NOT (a1.c0 IS NULL))", parts[1])
        self.assertIn("(((a1.c0 IS NULL)) IS NULL)", parts[2])


if __name__ == "__main__":
    unittest.main()

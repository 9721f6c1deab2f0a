"""CREATE MODEL / PREDICT / DROP MODEL end to end. The trained coefficients and every prediction
are checked against an independent closed-form least-squares solution: PostgreSQL 15 computes the
normal equations' sums exactly (NUMERIC) over the same rows and Python solves them in exact
rational arithmetic."""
import re
import unittest
from fractions import Fraction

from e2e_common import FLERN_SERVER, harness, rows

SETUP = [
    "CREATE TABLE houses (id INTEGER NOT NULL, sqft DOUBLE PRECISION, rooms INTEGER, "
    "price NUMERIC(12,2), city TEXT)",
    "INSERT INTO houses SELECT g, 400 + (g * 37) % 2600, 1 + (g * 13) % 6, "
    "50000 + 120 * ((g * 37) % 2600) + 15000 * (1 + (g * 13) % 6) + ((g * 7919) % 1000 - 500) * 10, "
    "CASE WHEN g % 3 = 0 THEN 'Paris' ELSE 'Rome' END FROM generate_series(1, 50000) g",
    "INSERT INTO houses VALUES (50001, NULL, 3, 100000, 'Oslo'), (50002, 1000, 2, NULL, 'Oslo')",
]


def solve(matrix, vector):
    """Gauss-Jordan elimination over Fractions."""
    n = len(vector)
    a = [list(row) + [vector[i]] for i, row in enumerate(matrix)]
    for c in range(n):
        p = next(r for r in range(c, n) if a[r][c] != 0)
        a[c], a[p] = a[p], a[c]
        for r in range(n):
            if r != c and a[r][c] != 0:
                f = a[r][c] / a[c][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[c])]
    return [a[i][n] / a[i][i] for i in range(n)]


class Models(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.flern = harness.FlernServer(FLERN_SERVER).start()
        cls.postgres = harness.PostgresServer().start()
        for sql in SETUP:
            for server in (cls.flern, cls.postgres):
                result = server.psql(sql)
                assert not result.sqlstates, (sql, result.stderr)
        created = cls.flern.psql("CREATE MODEL price_model PREDICT price TRAIN linear_regression "
                                 "AS SELECT sqft, rooms, price FROM houses")
        assert created.stdout.strip() == "CREATE MODEL", created.stderr
        # Normal equations over the rows without nulls, exactly, in PostgreSQL.
        sums = rows(cls.postgres.psql(
            "SELECT count(*), sum(sqft::numeric), sum(rooms::numeric), sum(sqft::numeric * sqft), "
            "sum(sqft::numeric * rooms), sum(rooms::numeric * rooms), sum(price), "
            "sum(sqft::numeric * price), sum(rooms::numeric * price) FROM houses "
            "WHERE sqft IS NOT NULL AND rooms IS NOT NULL AND price IS NOT NULL",
            extra=["-A", "-t"]))[0]
        n, sx, sr, sxx, sxr, srr, sy, sxy, sry = [Fraction(v) for v in sums]
        cls.expected = solve([[n, sx, sr], [sx, sxx, sxr], [sr, sxr, srr]], [sy, sxy, sry])
        cls.training_rows = int(n)

    @classmethod
    def tearDownClass(cls):
        cls.flern.cleanup()
        cls.postgres.stop()

    def catalog_row(self):
        result = self.flern.psql("SELECT name, algorithm, target, features, coefficients, intercept, "
                                 "training_rows FROM flern_models WHERE name = 'price_model'",
                                 extra=["-A", "-t"])
        return rows(result)[0]

    def test_coefficients_match_closed_form(self):
        name, algorithm, target, features, coefficients, intercept, training_rows = self.catalog_row()
        self.assertEqual((name, algorithm, target, features),
                         ("price_model", "linear_regression", "price", "sqft, rooms"))
        self.assertEqual(int(training_rows), self.training_rows)
        b0, b1, b2 = (float(x) for x in self.expected)
        got = [float(x) for x in re.findall(r"[-0-9.e+]+", coefficients)]
        self.assertAlmostEqual(float(intercept), b0, delta=1e-6 * abs(b0))
        self.assertAlmostEqual(got[0], b1, delta=1e-6 * abs(b1))
        self.assertAlmostEqual(got[1], b2, delta=1e-6 * abs(b2))

    def test_predictions_match_closed_form(self):
        b0, b1, b2 = self.expected
        result = self.flern.psql("SELECT id, sqft, rooms, PREDICT(price_model, sqft, rooms) FROM houses "
                                 "WHERE id % 997 = 1 OR id > 50000 ORDER BY id", extra=["-A", "-t"])
        checked = 0
        for id_, sqft, rooms, predicted in rows(result):
            if sqft == "" or rooms == "":
                self.assertEqual(predicted, "", "a null feature gives a null prediction")
                continue
            want = float(b0 + b1 * Fraction(sqft) + b2 * Fraction(rooms))
            self.assertAlmostEqual(float(predicted), want, delta=1e-6 * abs(want))
            checked += 1
        self.assertGreater(checked, 40)

    def test_predict_in_where_matches_postgres_filter(self):
        b0, b1, b2 = (float(x) for x in self.expected)
        ours = self.flern.psql("SELECT count(*), sum(id) FROM houses "
                               "WHERE PREDICT(price_model, sqft, rooms) > 300000", extra=["-A", "-t"])
        theirs = self.postgres.psql("SELECT count(*), sum(id) FROM houses WHERE %r + %r * sqft + %r * rooms "
                                    "> 300000" % (b0, b1, b2), extra=["-A", "-t"])
        self.assertEqual(ours.stdout, theirs.stdout)
        self.assertNotEqual(ours.stdout.strip(), "0|")

    def test_predict_in_aggregate_and_group_by(self):
        ours = rows(self.flern.psql("SELECT city, count(*), avg(PREDICT(price_model, sqft, rooms)) FROM houses "
                                    "GROUP BY city ORDER BY city", extra=["-A", "-t"]))
        b0, b1, b2 = (float(x) for x in self.expected)
        theirs = rows(self.postgres.psql(
            "SELECT city, count(*), avg(%r + %r * sqft + %r * rooms) FROM houses GROUP BY city ORDER BY city"
            % (b0, b1, b2), extra=["-A", "-t"]))
        self.assertEqual([r[:2] for r in ours], [r[:2] for r in theirs])
        for a, b in zip(ours, theirs):
            self.assertAlmostEqual(float(a[2]), float(b[2]), delta=1e-6 * abs(float(b[2])))

    def test_predict_is_fused_into_the_scan_pipeline(self):
        plan = self.flern.psql("EXPLAIN (IR) SELECT id, PREDICT(price_model, sqft, rooms) FROM houses "
                               "WHERE PREDICT(price_model, sqft, rooms) > 100000", extra=["-A", "-t"])
        text = plan.stdout
        self.assertIn("tensor.matvec", text)
        lines = text.splitlines()
        loop_depths = [len(l) - len(l.lstrip()) for l in lines if " = for " in l or l.strip().startswith("for ")]
        matvec_depths = [len(l) - len(l.lstrip()) for l in lines if "tensor.matvec" in l]
        # Inside the row loop, which is inside the chunk loop: no materialization in between.
        self.assertGreaterEqual(len(loop_depths), 2)
        self.assertTrue(all(d > max(loop_depths) for d in matvec_depths), text)
        for breaker in ("sort.append", "hashtable.insert"):
            self.assertNotIn(breaker, text)
        # The weights are constants of the generated code.
        self.assertIn("tensor.const", text)

    def test_errors(self):
        cases = [
            ("SELECT PREDICT(price_model, sqft) FROM houses", "42883"),
            ("SELECT PREDICT(nosuch, sqft, rooms) FROM houses", "42704"),
            ("SELECT PREDICT(price_model, city, rooms) FROM houses", "42804"),
            ("CREATE MODEL price_model PREDICT price TRAIN linear_regression AS SELECT sqft, price FROM houses", "42710"),
            ("CREATE MODEL m2 PREDICT nosuch TRAIN linear_regression AS SELECT sqft, price FROM houses", "42703"),
            ("CREATE MODEL m2 PREDICT price TRAIN no_such_algorithm AS SELECT sqft, price FROM houses", "22023"),
            ("CREATE MODEL m2 PREDICT city TRAIN linear_regression AS SELECT sqft, city FROM houses", "42804"),
            ("CREATE MODEL m2 PREDICT price TRAIN linear_regression AS SELECT sqft, price FROM houses WHERE id < 2", "22023"),
            ("CREATE MODEL m2 PREDICT price TRAIN linear_regression AS SELECT sqft, sqft * 2 AS s2, price FROM houses", "22023"),
            ("CREATE MODEL m2 PREDICT price TRAIN linear_regression AS SELECT sqft, price FROM nosuch", "42P01"),
            ("CREATE MODEL m2 PREDICT price linear_regression AS SELECT sqft, price FROM houses", "42601"),
            ("DROP MODEL nosuch", "42704"),
        ]
        for sql, state in cases:
            self.assertEqual(self.flern.psql(sql).sqlstates, [state], sql)
        self.assertEqual(self.flern.psql("DROP MODEL IF EXISTS nosuch").sqlstates, [])
        # The session and the model survive the errors.
        self.assertEqual(len(rows(self.flern.psql("SELECT * FROM flern_models", extra=["-A", "-t"]))), 1)

    def test_error_position_inside_model_query(self):
        sql = "CREATE MODEL m3 PREDICT price TRAIN linear_regression AS SELECT sqft, price FROM nosuch"
        result = self.flern.psql(sql, extra=["-v", "VERBOSITY=default"])
        error, line, caret = result.stderr.splitlines()[:3]
        self.assertEqual(error, 'ERROR:  relation "nosuch" does not exist')
        # psql shortens long lines; the caret must sit under the table name either way.
        self.assertTrue(line.startswith("LINE 1: "), line)
        self.assertEqual(caret.index("^"), line.index("nosuch"))

    def test_drop_and_recreate(self):
        self.assertEqual(self.flern.psql("CREATE MODEL tmp PREDICT price TRAIN linear_regression AS "
                                         "SELECT rooms, price FROM houses").sqlstates, [])
        self.assertEqual(self.flern.psql("DROP MODEL tmp").stdout.strip(), "DROP MODEL")
        self.assertEqual(self.flern.psql("SELECT PREDICT(tmp, 1)").sqlstates, ["42704"])


if __name__ == "__main__":
    unittest.main()

"""psycopg2 (Debian's python3-psycopg2) against the real server: connection setup, parameters
interpolated by the driver, type conversion of every column type back to Python, errors mapped
to psycopg2's exception classes by SQLSTATE, and the commit/rollback calls drivers make."""
import datetime
import decimal
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402

FLERN_SERVER = os.environ["FLERN_SERVER"]


class Psycopg2(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.FlernServer(FLERN_SERVER).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def connect(self):
        return psycopg2.connect(host="127.0.0.1", port=self.server.port, user="app", dbname="app")

    def test_round_trip_of_every_type(self):
        conn = self.connect()
        cur = conn.cursor()
        cur.execute("CREATE TABLE types (a INTEGER, b BIGINT, c NUMERIC(10,2), d DOUBLE PRECISION, "
                    "e TEXT, f VARCHAR(5), g CHAR(3), h DATE, i BOOLEAN)")
        row = (1, 10 ** 12, decimal.Decimal("12.50"), 0.25, "it's \"quoted\"", "abc", "x",
               datetime.date(2024, 2, 29), True)
        cur.execute("INSERT INTO types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", row)
        cur.execute("INSERT INTO types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", (None,) * 9)
        conn.commit()
        cur.execute("SELECT * FROM types ORDER BY a")
        self.assertEqual(cur.fetchall(), [row[:6] + ("x  ",) + row[7:], (None,) * 9])
        self.assertEqual([c.type_code for c in cur.description],
                         [23, 20, 1700, 701, 25, 1043, 1042, 1082, 16])
        conn.close()

    def test_errors_map_to_exception_classes(self):
        conn = self.connect()
        cur = conn.cursor()
        with self.assertRaises(psycopg2.errors.DivisionByZero):
            cur.execute("SELECT 1 / 0")
        conn.rollback()
        with self.assertRaises(psycopg2.errors.UndefinedTable):
            cur.execute("SELECT * FROM nosuch")
        conn.rollback()
        cur.execute("SELECT %s + 1", (41,))
        self.assertEqual(cur.fetchone(), (42,))
        conn.close()

    def test_many_rows_and_aggregates(self):
        conn = self.connect()
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("CREATE TABLE many (g INTEGER, v NUMERIC(12,3))")
        cur.execute("INSERT INTO many SELECT g, g / 8.0 FROM generate_series(1, 100000) g")
        cur.execute("SELECT g, v FROM many WHERE g %% %s = 0 ORDER BY g", (1000,))
        rows = cur.fetchall()
        self.assertEqual(len(rows), 100)
        self.assertEqual(rows[0], (1000, decimal.Decimal("125.000")))
        cur.execute("SELECT count(*), sum(v), avg(g) FROM many")
        self.assertEqual(cur.fetchone(), (100000, decimal.Decimal("625006250.000"),
                                          decimal.Decimal("50000.500000000000")))
        conn.close()


if __name__ == "__main__":
    unittest.main()

"""COPY as PostgreSQL has it: the same psql script (COPY FROM STDIN with inline data, COPY TO
STDOUT, \\copy both ways, bad rows) runs on Flern and on PostgreSQL 15 and must print the same;
a failed COPY loads nothing; dbgen .tbl files load with their trailing delimiter."""
import os
import subprocess
import tempfile
import unittest

from e2e_common import FLERN_SERVER, harness, rows

SCRIPT = r"""
\set VERBOSITY default
CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c NUMERIC(6,2), d DATE, e BOOLEAN, f DOUBLE PRECISION, g VARCHAR(5));
COPY t FROM STDIN;
1	hello	1.5	2020-01-02	t	0.5	abc
2	\N	-2.25	\N	false	\N	\N
3	tab\there	\N	1999-12-31	\N	1e10	x
4	back\\slash \\N	0	2000-02-29	yes	-0	
\.
SELECT * FROM t ORDER BY a;
COPY t FROM STDIN WITH (FORMAT csv, HEADER, NULL 'NULL');
a,b,c,d,e,f,g
5,"quoted, with comma",3.14,2021-06-01,f,2.5,"q""q"
6,NULL,NULL,NULL,NULL,NULL,NULL
7,"",0.01,2021-06-02,t,1,""
\.
SELECT a, b, b IS NULL, g, g IS NULL FROM t WHERE a >= 5 ORDER BY a;
COPY t TO STDOUT;
COPY t (a, b, g) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT a, c * 2 AS double_c FROM t WHERE c IS NOT NULL ORDER BY a) TO STDOUT WITH (FORMAT csv, DELIMITER '|');
COPY t (a, b) FROM STDIN WITH (FORMAT csv);
8,only two
\.
SELECT count(*), count(c) FROM t;
COPY t FROM STDIN;
9	ok	1	2020-01-01	t	1	ok
10	bad	abc	2020-01-01	t	1	ok
\.
COPY t FROM STDIN;
11	x	1	2020-13-01	t	1	x
\.
COPY t FROM STDIN;
12	x	123456	2020-01-01	t	1	x
\.
COPY t FROM STDIN;
13	x	1	2020-01-01	t	1	toolong
\.
COPY t FROM STDIN;
\N	x	1	2020-01-01	t	1	x
\.
COPY t FROM STDIN;
14	x	1
\.
COPY t FROM STDIN;
15	x	1	2020-01-01	t	1	x	extra	more
\.
COPY t (nosuch) FROM STDIN;
COPY nosuch FROM STDIN;
SELECT count(*) FROM t;
"""


class Copy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.flern = harness.FlernServer(FLERN_SERVER).start()
        cls.postgres = harness.PostgresServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.flern.cleanup()
        cls.postgres.stop()

    def run_script(self, connection, script):
        return subprocess.run(["psql", "-X"] + connection, input=script, capture_output=True,
                              text=True, timeout=300)

    def connections(self):
        return (["-h", "127.0.0.1", "-p", str(self.flern.port), "-U", "x", "-d", "x"],
                ["-h", self.postgres.dir, "-p", str(self.postgres.port), "-U", "postgres", "-d", "postgres"])

    def test_same_output_as_postgres(self):
        ours_connection, theirs_connection = self.connections()
        ours = self.run_script(ours_connection, SCRIPT)
        theirs = self.run_script(theirs_connection, SCRIPT)
        self.assertEqual(ours.stdout, theirs.stdout)
        self.assertEqual(ours.stderr, theirs.stderr)

    def test_client_side_copy_round_trip(self):
        ours_connection, theirs_connection = self.connections()
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o777)
            path = os.path.join(tmp, "data.csv")
            script = ("CREATE TABLE r (a INTEGER, b TEXT, c NUMERIC(10,3));\n"
                      "INSERT INTO r SELECT g, 'row ' || g, g / 7.0 FROM generate_series(1, 20000) g;\n"
                      "\\copy r TO '%s' WITH (FORMAT csv)\n"
                      "CREATE TABLE r2 (a INTEGER, b TEXT, c NUMERIC(10,3));\n"
                      "\\copy r2 FROM '%s' WITH (FORMAT csv)\n"
                      "SELECT count(*), sum(a), min(b), max(b), sum(c) FROM r2;\n" % (path, path))
            ours = self.run_script(ours_connection, script)
            self.assertEqual(ours.stderr, "")
            theirs = self.run_script(theirs_connection, script.replace("r2", "r2pg").replace(" r ", " rpg ")
                                     .replace("r (", "rpg (").replace("FROM r;", "FROM rpg;")
                                     .replace("\\copy r TO", "\\copy rpg TO"))
            self.assertEqual(ours.stdout, theirs.stdout)

    def test_failed_copy_loads_nothing_and_session_goes_on(self):
        self.flern.psql("CREATE TABLE IF NOT EXISTS atomic (a INTEGER NOT NULL)")
        script = "COPY atomic FROM STDIN;\n1\n2\n3\nx\n\\.\nSELECT count(*) FROM atomic;\n"
        ours_connection, _ = self.connections()
        result = self.run_script(ours_connection + ["-A", "-t"], script)
        self.assertIn("invalid input syntax for type integer", result.stderr)
        self.assertEqual(result.stdout.strip(), "0")

    def test_large_input_error_line_matches_postgres(self):
        # Over 16 MiB, so that Flern parses it in several slices while it arrives.
        ours_connection, theirs_connection = self.connections()
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o777)
            good = os.path.join(tmp, "good.txt")
            bad = os.path.join(tmp, "bad.txt")
            lines = ["%d\tsome padding text for row %d, to make the file large\t%d.25\n" % (i, i, i)
                     for i in range(1, 400001)]
            with open(good, "w") as f:
                f.writelines(lines)
            lines[345678] = "345679\tbroken row\tnot-a-number\n"
            with open(bad, "w") as f:
                f.writelines(lines)
            script = ("\\set VERBOSITY default\n"
                      "CREATE TABLE big (a INTEGER NOT NULL, b TEXT, c NUMERIC(12,2));\n"
                      "\\copy big FROM '%s'\n"
                      "\\copy big FROM '%s'\n"
                      "SELECT count(*), sum(a), sum(c), max(b) FROM big;\n" % (bad, good))
            ours = self.run_script(ours_connection, script)
            theirs = self.run_script(theirs_connection, script)
            self.assertEqual(ours.stderr, theirs.stderr)
            self.assertIn("line 345679", ours.stderr)
            self.assertEqual(ours.stdout, theirs.stdout)

    def load_on_both(self, files, script):
        """Writes `files` (name -> lines) where both servers' psql can read them, runs `script`
        with each {name} replaced by that file's path on Flern and on PostgreSQL, checks that both
        print the same and Flern no error, and returns Flern's output."""
        ours_connection, theirs_connection = self.connections()
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o777)
            paths = {}
            for name, lines in files.items():
                paths[name] = os.path.join(tmp, name)
                with open(paths[name], "w") as f:
                    f.writelines(lines)
            script = script.format(**paths)
            ours = self.run_script(ours_connection, script)
            theirs = self.run_script(theirs_connection, script)
        self.assertEqual(ours.stderr, "")
        self.assertEqual(ours.stdout, theirs.stdout)
        return ours.stdout

    def test_large_inputs_mixing_plain_and_escaped_runs(self):
        # Over 16 MiB each, so that Flern cuts them into several runs of lines: runs without
        # quotes or escapes take the plain reader, the others the full one; either way the rows
        # must be PostgreSQL's. The text file has escapes and NULLs in one region only; the CSV
        # file turns quoted (with embedded delimiters, quotes and a newline) two thirds in.
        text = ("%d\tesc\\\\aped\\ttab %d\t\\N\n" % (i, i) if 150000 <= i < 150050 else
                "%d\tplain padding text of row %d for size\t%d.5\n" % (i, i, i % 1000)
                for i in range(1, 300001))
        csv = ('%d,"quoted, ""row""\nof %d",%d.5\n' % (i, i, i % 1000)
               if i >= 200000 and i % 1000 == 0
               else "%d,plain padding text of row %d for size,%d.5\n" % (i, i, i % 1000)
               for i in range(1, 300001))
        output = self.load_on_both(
            {"mixed_text": text, "mixed_csv": csv},
            "CREATE TABLE mixed (a INTEGER NOT NULL, b TEXT, c NUMERIC(8,1));\n"
            "\\copy mixed FROM '{mixed_text}'\n"
            "SELECT count(*), sum(a), sum(c), count(c), sum(length(b)), min(b), max(b) FROM mixed;\n"
            "SELECT a, b, c FROM mixed WHERE a BETWEEN 150048 AND 150051 ORDER BY a;\n"
            "DROP TABLE mixed;\n"
            "CREATE TABLE mixed (a INTEGER NOT NULL, b TEXT, c NUMERIC(8,1));\n"
            "\\copy mixed FROM '{mixed_csv}' WITH (FORMAT csv)\n"
            "SELECT count(*), sum(a), sum(c), sum(length(b)), min(b), max(b) FROM mixed;\n"
            "SELECT a, b FROM mixed WHERE a IN (199999, 200000, 299000, 300000) ORDER BY a;\n")
        self.assertEqual(output.count("COPY 300000"), 2)

    def test_large_inputs_with_header_or_long_lines(self):
        # Flern cuts its parallel runs after multiples of 65,536 lines; a header line shifts the
        # rows against the lines, and lines of 2 KiB reach the 32 MiB cut before 65,536 lines.
        header = ["a,b,c\n"] + ["%d,row %d with some padding text,%d.5\n" % (i, i, i % 1000)
                                for i in range(1, 200001)]
        long_lines = ("%d\t%s\t%d.5\n" % (i, ("long line %d " % i) * (2000 // 16), i % 1000)
                      for i in range(1, 20001))
        output = self.load_on_both(
            {"header_csv": header, "long_text": long_lines},
            "CREATE TABLE wide (a INTEGER NOT NULL, b TEXT, c NUMERIC(8,1));\n"
            "\\copy wide FROM '{header_csv}' WITH (FORMAT csv, HEADER)\n"
            "\\copy wide FROM '{long_text}'\n"
            "SELECT count(*), sum(a), sum(c), sum(length(b)), min(b), max(b) FROM wide;\n"
            "SELECT a, length(b), c FROM wide WHERE a IN (1, 65535, 65536, 65537, 200000) "
            "ORDER BY a, length(b);\n")
        self.assertIn("COPY 200000", output)
        self.assertIn("COPY 20000\n", output)

    def test_dbgen_files_with_trailing_delimiter(self):
        tool = os.path.join(os.path.dirname(FLERN_SERVER), "..", "tpch", "flern-tpchgen")
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o777)
            subprocess.run([tool, "--scale", "0.01", "--output", tmp, "--tables", "orders"], check=True)
            path = os.path.join(tmp, "orders.tbl")
            ddl = ("CREATE TABLE orders (o_orderkey BIGINT, o_custkey BIGINT, o_orderstatus TEXT, "
                   "o_totalprice NUMERIC(15,2), o_orderdate DATE, o_orderpriority TEXT, o_clerk TEXT, "
                   "o_shippriority INTEGER, o_comment VARCHAR(79));\n")
            check = ("SELECT count(*), sum(o_orderkey), sum(o_totalprice), min(o_orderdate), "
                     "max(o_comment), count(DISTINCT o_clerk) FROM orders;\n").replace(
                         ", count(DISTINCT o_clerk)", "")
            ours_connection, theirs_connection = self.connections()
            ours = self.run_script(ours_connection, ddl + "\\copy orders FROM '%s' WITH (FORMAT csv, DELIMITER '|')\n" % path + check)
            self.assertEqual(ours.stderr, "")
            # PostgreSQL rejects the trailing delimiter: give it the lines without it.
            stripped = os.path.join(tmp, "orders.csv")
            with open(path) as source, open(stripped, "w") as target:
                for line in source:
                    target.write(line.rstrip("\n")[:-1] + "\n")
            theirs = self.run_script(theirs_connection, ddl + "\\copy orders FROM '%s' WITH (FORMAT csv, DELIMITER '|')\n" % stripped + check)
            self.assertEqual(ours.stdout, theirs.stdout)
            self.assertIn("COPY 15000", ours.stdout)


if __name__ == "__main__":
    unittest.main()

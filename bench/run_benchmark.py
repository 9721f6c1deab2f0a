#!/usr/bin/env python3
"""First Flern benchmark: the same generated rows loaded into Flern and into a throwaway
PostgreSQL 15 in one run; each query timed over psql on both (best of N runs, psql's \\timing),
with the ratio Flern/PostgreSQL and Flern's compile time per query (from EXPLAIN ANALYZE).

    python3 bench/run_benchmark.py [--rows 10000000] [--runs 3] [--flern build/server/flern-server]

This is a benchmark, not a test: it asserts nothing and is not part of the test suite.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import harness  # noqa: E402


def timed(server, sql, runs, **kwargs):
    best = None
    for _ in range(runs):
        result = subprocess.run(["psql", "-X", "-q"] + server_connection(server, **kwargs) +
                                ["-c", "\\timing on", "-c", sql], capture_output=True, text=True)
        if result.returncode != 0 or result.stderr:
            raise RuntimeError("%s failed: %s" % (sql, result.stderr))
        ms = float(re.findall(r"Time: ([0-9.]+) ms", result.stdout)[-1])
        best = ms if best is None else min(best, ms)
    return best


def server_connection(server, database="postgres"):
    if isinstance(server, harness.PostgresServer):
        return ["-h", server.dir, "-p", str(server.port), "-U", "postgres", "-d", database]
    return ["-h", "127.0.0.1", "-p", str(server.port), "-U", "flern", "-d", "flern"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flern", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                        "build", "server", "flern-server"))
    args = parser.parse_args()
    n = args.rows
    setup = [
        "CREATE TABLE dims (id INTEGER NOT NULL, category INTEGER, name TEXT)",
        "INSERT INTO dims SELECT g, g %% 50, 'dimension ' || g FROM generate_series(1, %d) g" % max(n // 100, 1),
        "CREATE TABLE facts (id INTEGER NOT NULL, grp INTEGER, x DOUBLE PRECISION, y DOUBLE PRECISION, "
        "amount NUMERIC(12,2), dim_id INTEGER)",
        "INSERT INTO facts SELECT g, g %% 100, (g %% 1000) / 1000.0, ((g * 7) %% 1000) / 100.0, "
        "((g * 13) %% 100000) / 100.0, 1 + (g * 31) %% %d FROM generate_series(1, %d) g" % (max(n // 100, 1), n),
    ]
    flern = harness.FlernServer(args.flern).start()
    postgres = harness.PostgresServer().start()
    try:
        for name, server in (("flern", flern), ("postgres", postgres)):
            start = time.time()
            for sql in setup:
                result = server.psql(sql)
                if result.sqlstates:
                    raise RuntimeError("%s: %s" % (sql, result.stderr))
            if server is postgres:
                server.psql("VACUUM ANALYZE")
            print("loaded %d rows into %s in %.1f s" % (n, name, time.time() - start))
        model = flern.psql("CREATE MODEL m PREDICT amount TRAIN linear_regression AS SELECT x, y, amount FROM facts")
        if model.sqlstates:
            raise RuntimeError(model.stderr)
        coefficients = flern.psql("SELECT coefficients, intercept FROM flern_models", extra=["-A", "-t"]).stdout
        (b1, b2), b0 = re.findall(r"[-0-9.e+]+", coefficients.split("|")[0]), coefficients.split("|")[1].strip()
        queries = [
            ("filtered GROUP BY aggregate",
             "SELECT grp, count(*), sum(amount), avg(x) FROM facts WHERE x > 0.5 GROUP BY grp",
             None),
            ("two-table hash join + aggregate",
             "SELECT d.category, count(*), sum(f.amount) FROM facts f JOIN dims d ON f.dim_id = d.id "
             "GROUP BY d.category", None),
            ("PREDICT over all rows",
             "SELECT count(*), sum(PREDICT(m, x, y)) FROM facts",
             "SELECT count(*), sum(%s + %s * x + %s * y) FROM facts" % (b0, b1, b2)),
        ]
        print()
        print("%-34s %12s %12s %10s %14s" % ("query", "flern ms", "postgres ms", "ratio", "compile ms"))
        for title, sql, postgres_sql in queries:
            ours = timed(flern, sql, args.runs)
            theirs = timed(postgres, postgres_sql or sql, args.runs)
            analyze = flern.psql("EXPLAIN ANALYZE " + sql, extra=["-A", "-t"]).stdout
            compile_ms = float(re.findall(r"Compile Time: ([0-9.]+) ms", analyze)[0])
            print("%-34s %12.1f %12.1f %10.3f %14.1f" % (title, ours, theirs, ours / theirs, compile_ms))
    finally:
        flern.cleanup()
        postgres.stop()


if __name__ == "__main__":
    main()

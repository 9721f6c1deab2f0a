#!/usr/bin/env python3
"""TPC-H queries: the 22 queries of tests/tpch/queries/ on Flern and on a throwaway PostgreSQL 15,
same data, same machine, same run.

    python3 bench/tpch_queries_benchmark.py [--scale 1] [--runs 3] [--timeout 600]

Loading is as in tests/tpch/test_tpch_queries.py (PostgreSQL: COPY of flern-tpchgen's files, keys,
an index on lineitem (l_partkey, l_suppkey) for Q17/Q20's correlated subplans, VACUUM ANALYZE,
default settings otherwise, so up to two parallel workers per query; Flern: CALL tpch_load).
Each query runs once as a warm-up, whose output is compared with PostgreSQL's (a mismatch is
marked in the table; exact comparison, so a tie at a LIMIT cut would show as one too), then
--runs times in one psql session with output to /dev/null; the figure is the best of those,
taken from psql's \\timing (time from sending the query to having received the whole result, on
the client, without psql's start-up). Flern's time includes compiling the query, which happens
on every run. A query Flern cannot run yet shows its error instead of a time; the totals cover
only queries both systems answered. This is a benchmark, not a test.
"""
import argparse
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tpch"))
import tpch_queries_common as kit  # noqa: E402
from test_tpch_queries import compare  # noqa: E402


def timed_runs(connection, sql, runs, timeout):
    """Best of `runs` \\timing figures in ms, or an error text."""
    script = "\\o /dev/null\n\\timing on\n" + (sql.rstrip() + "\n") * runs
    code, out, err, _ = kit.psql(connection, script, timeout=timeout)
    if code is None:
        return "no answer within %d s" % timeout
    found = kit.errors(err)
    if found:
        return "%s: %s" % found[0]
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", out, re.MULTILINE)]
    if len(times) != runs:
        return "psql printed %d timings for %d runs: %s" % (len(times), runs, err.strip())
    return min(times)


def measure(name, flern, postgres, args):
    sql = kit.query_sql(name)
    postgres_connection = kit.postgres_connection(postgres)
    flern_connection = kit.flern_connection(flern)
    _, theirs, _, _ = kit.psql(postgres_connection, sql, extra=["-A"])
    theirs_ms = timed_runs(postgres_connection, sql, args.runs, args.timeout)
    code, ours, err, seconds = kit.psql(flern_connection, sql, extra=["-A"], timeout=args.timeout)
    if code is None:
        ours_ms = "no answer within %d s" % args.timeout
    elif kit.errors(err):
        ours_ms = "%s: %s" % kit.errors(err)[0]
    else:
        ours_ms = timed_runs(flern_connection, sql, args.runs, args.timeout)
        if compare(name, ours, theirs, None) is not None:
            ours_ms = "WRONG ANSWER (%s)" % (ours_ms if isinstance(ours_ms, str) else
                                             "%.1f ms" % ours_ms)
    return ours_ms, theirs_ms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per psql session")
    parser.add_argument("--queries", default=",".join(kit.QUERIES))
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    args = parser.parse_args()
    server = os.path.join(args.build, "server", "flern-server")
    tool = os.path.join(args.build, "tpch", "flern-tpchgen")
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        kit.generate(tool, args.scale, data_dir)
        postgres = kit.harness.PostgresServer().start()
        flern = None
        try:
            kit.load_postgres(postgres, data_dir)
            flern = kit.harness.FlernServer(server).start()
            kit.load_flern(flern, args.scale)
            for name in args.queries.split(","):
                ours, theirs = measure(name, flern, postgres, args)
                # After a crash, or a hang (the server may still be computing): a fresh server.
                if str(ours).startswith("no answer") or not kit.flern_alive(flern):
                    flern.cleanup()
                    flern = kit.harness.FlernServer(server).start()
                    kit.load_flern(flern, args.scale)
                rows.append((name, ours, theirs))
                print("%s: flern %s, postgresql %s" % (name, ours, theirs), file=sys.stderr,
                      flush=True)
        finally:
            if flern is not None:
                flern.cleanup()
            postgres.stop()

    def cell(value):
        return "%.1f" % value if isinstance(value, float) else "-"

    print("TPC-H scale %s, %s, best of %d runs after one warm-up (psql \\timing, ms)\n"
          % (args.scale, time.strftime("%Y-%m-%d", time.gmtime()), args.runs))
    print("| query | Flern ms | PostgreSQL ms | ratio | Flern error |")
    print("|---|---:|---:|---:|---|")
    both = [(o, t) for _, o, t in rows if isinstance(o, float) and isinstance(t, float)]
    for name, ours, theirs in rows:
        ratio = "%.3f" % (ours / theirs) if isinstance(ours, float) and \
            isinstance(theirs, float) else "-"
        error = ours if isinstance(ours, str) else ""
        if isinstance(theirs, str):
            error += " (PostgreSQL: %s)" % theirs
        print("| %s | %s | %s | %s | %s |" % (name.upper(), cell(ours), cell(theirs), ratio,
                                              error.replace("|", "\\|")))
    if both:
        ours_total, theirs_total = sum(o for o, _ in both), sum(t for _, t in both)
        print("| total (%d queries both ran) | %.1f | %.1f | %.3f | |"
              % (len(both), ours_total, theirs_total, ours_total / theirs_total))
    theirs_all = [t for _, _, t in rows if isinstance(t, float)]
    print("\nPostgreSQL, all %d queries: %.1f ms" % (len(theirs_all), sum(theirs_all)))


if __name__ == "__main__":
    main()

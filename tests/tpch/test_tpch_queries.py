#!/usr/bin/env python3
"""The 22 TPC-H queries (tests/tpch/queries/, the spec's text with its validation parameters) on
Flern against PostgreSQL 15 on the same data.

    test_tpch_queries.py [--scale 0.01] [--flern build/server/flern-server]
                         [--tpchgen build/tpch/flern-tpchgen] [--queries q01,q06] [--timeout S]

flern-tpchgen writes the .tbl files; PostgreSQL (throwaway cluster) loads them with COPY and gets
keys and indexes (plans only); Flern loads the same data with CALL tpch_load(scale), which
tests/e2e/test_tpch_load.py checks equal to a COPY of the files. Each query runs through psql
(unaligned, with header and row-count footer) on both, and what psql prints is compared byte for
byte. Every column PostgreSQL returns for these queries is integer, NUMERIC, date or text (avg of
NUMERIC is NUMERIC, extract() is NUMERIC in PostgreSQL 15), and Flern's NUMERIC is exact, so
there is no float tolerance anywhere: any difference in digits is a wrong answer.

Row order: when the outputs differ only in order, the query still passes if Flern's rows are
PostgreSQL's rows (as a multiset) and the ORDER BY key columns (ORDER_KEYS) read the same top to
bottom, i.e. only rows tied on every ORDER BY key are permuted, which the spec allows. LIMIT
queries are also run on PostgreSQL without the LIMIT to see whether a tie straddles the cut
(then any of the tied rows may legitimately fill the last places); the run says so when it does.

KNOWN_GAPS lists the queries Flern cannot run yet. For those the query must fail cleanly (an
ERROR whose SQLSTATE is in GAP_SQLSTATES, i.e. "not supported yet") and leave the server alive;
a gap query that now answers correctly fails the run ("remove qNN from the known gaps") so the
list stays true. Any other query must match PostgreSQL. A wrong answer, a hang (no answer within
--timeout), a crash or any other error always fails.
"""
import argparse
import collections
import difflib
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tpch_queries_common as kit  # noqa: E402

BUILD = os.path.join(HERE, "..", "..", "build")

# Queries Flern does not run yet, with the features each needs that the engine lacked at the last
# update (docs/benchmarks.md has the errors of that run); the run prints the error given now.
KNOWN_GAPS = {}  # every query runs; a query added here must fail cleanly (see above)
# "Not supported yet": feature not supported, or a function/type the engine does not know yet.
GAP_SQLSTATES = {"0A000", "42883", "42704"}

# Output columns (0-based) of each query's ORDER BY keys.
ORDER_KEYS = {
    "q01": [0, 1], "q02": [0, 1, 2, 3], "q03": [1, 2], "q04": [0], "q05": [1], "q06": [],
    "q07": [0, 1, 2], "q08": [0], "q09": [0, 1], "q10": [2], "q11": [1], "q12": [0],
    "q13": [0, 1], "q14": [], "q15": [0], "q16": [0, 1, 2, 3], "q17": [], "q18": [3, 4],
    "q19": [], "q20": [0], "q21": [0, 1], "q22": [0],
}

LIMIT = re.compile(r"\blimit\s+(\d+)\s*;\s*$", re.IGNORECASE)


def split_output(text):
    """psql -A output: header line, data rows (lists of fields), footer '(N rows)'."""
    lines = text.splitlines()
    return lines[0], [line.split("|") for line in lines[1:-1]], lines[-1]


def order_key(name, row):
    return tuple(row[i] for i in ORDER_KEYS[name] if i < len(row))


def tie_at_cut(name, theirs, theirs_unlimited):
    """The ORDER BY key shared by PostgreSQL's last row and the first row the LIMIT cut off, if
    any (then which of the tied rows are returned is not determined), else None."""
    if theirs_unlimited is None:
        return None
    _, rows, _ = split_output(theirs)
    _, all_rows, _ = split_output(theirs_unlimited)
    if rows and len(all_rows) > len(rows) and \
            order_key(name, all_rows[len(rows)]) == order_key(name, rows[-1]):
        return order_key(name, rows[-1])
    return None


def compare(name, ours, theirs, theirs_unlimited):
    """None when Flern's output is a correct answer, else why not (with a diff)."""
    if ours == theirs:
        return None
    diff = "".join(difflib.unified_diff(theirs.splitlines(True), ours.splitlines(True),
                                        "postgresql", "flern", n=1))
    try:
        our_head, our_rows, our_foot = split_output(ours)
        their_head, their_rows, their_foot = split_output(theirs)
    except IndexError:
        return "output is not a result table\n" + diff
    if (our_head, our_foot) != (their_head, their_foot) or \
            [order_key(name, r) for r in our_rows] != [order_key(name, r) for r in their_rows]:
        return "wrong answer\n" + diff
    cut = tie_at_cut(name, theirs, theirs_unlimited)

    def rows(table, tied):
        return collections.Counter(tuple(r) for r in table if (order_key(name, r) == cut) == tied)

    if rows(our_rows, False) != rows(their_rows, False):
        return "wrong answer (rows differ, not only their order)\n" + diff
    if cut is not None:
        _, all_rows, _ = split_output(theirs_unlimited)
        if rows(our_rows, True) - rows(all_rows, True):
            return "wrong answer (rows at the LIMIT cut are not among the tied rows)\n" + diff
    return None


class Run:
    def __init__(self, args, data_dir):
        self.args = args
        self.postgres = kit.harness.PostgresServer().start()
        kit.load_postgres(self.postgres, data_dir)
        self.flern = None
        self.start_flern()

    def start_flern(self):
        if self.flern is not None:
            self.flern.cleanup()
        self.flern = kit.harness.FlernServer(self.args.flern).start()
        kit.load_flern(self.flern, self.args.scale)

    def close(self):
        if self.flern is not None:
            self.flern.cleanup()
        self.postgres.stop()

    def postgres_answer(self, sql):
        code, out, err, _ = kit.psql(kit.postgres_connection(self.postgres), sql, extra=["-A"])
        if code != 0 or kit.errors(err):
            raise RuntimeError("PostgreSQL failed: " + err)
        return out

    def check(self, name):
        """(passed, what happened) for one query."""
        sql = kit.query_sql(name)
        theirs = self.postgres_answer(sql)
        unlimited = self.postgres_answer(LIMIT.sub(";", sql)) if LIMIT.search(sql) else None
        code, ours, err, seconds = kit.psql(kit.flern_connection(self.flern), sql, extra=["-A"],
                                            timeout=self.args.timeout)
        gap = name in KNOWN_GAPS
        if code is None:
            alive = kit.flern_alive(self.flern)
            self.start_flern()  # the old one may still be computing; later queries get a fresh one
            return False, "HANG: no answer within %d s (server %s)" % (
                self.args.timeout, "still answers SELECT 1" if alive else "dead")
        if not kit.flern_alive(self.flern):
            self.start_flern()
            return False, "CRASH: the server died (%s)" % err.strip()
        found = kit.errors(err)
        if found:
            text = "; ".join("%s: %s" % f for f in found)
            position = "" if re.search(r"^LINE \d+:", err, re.MULTILINE) else " (no cursor position)"
            if not gap:
                return False, "ERROR " + text
            if any(state not in GAP_SQLSTATES for state, _ in found):
                return False, "known gap, but not a 'not supported' error: " + text
            return True, "known gap (needs %s): %s%s" % (KNOWN_GAPS[name], text, position)
        if code != 0:
            return False, "psql exited with %d: %s" % (code, err.strip())
        wrong = compare(name, ours, theirs, unlimited)
        if wrong:
            return False, "%.2f s: %s" % (seconds, wrong)
        note = ""
        if tie_at_cut(name, theirs, unlimited) is not None:
            note = " (a tie straddles the LIMIT cut: checked against all tied rows)"
        if ours != theirs:
            note += " (rows tied on the ORDER BY keys in another order)"
        if gap:
            return False, "answers correctly now: remove %s from the known gaps" % name
        _, rows, _ = split_output(ours)
        return True, "match, %d rows, %.2f s%s" % (len(rows), seconds, note)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="0.01")
    parser.add_argument("--flern", default=os.path.join(BUILD, "server", "flern-server"))
    parser.add_argument("--tpchgen", default=os.path.join(BUILD, "tpch", "flern-tpchgen"))
    parser.add_argument("--queries", default=",".join(kit.QUERIES))
    parser.add_argument("--timeout", type=int, default=0,
                        help="seconds per Flern query (default max(60, 600 * scale))")
    args = parser.parse_args()
    args.timeout = args.timeout or int(max(60, 600 * float(args.scale)))
    failures = []
    with tempfile.TemporaryDirectory() as data_dir:
        kit.generate(args.tpchgen, args.scale, data_dir)
        run = Run(args, data_dir)
        try:
            for name in args.queries.split(","):
                passed, what = run.check(name)
                print("%s %s %s" % (name, "ok  " if passed else "FAIL", what), flush=True)
                if not passed:
                    failures.append(name)
        finally:
            run.close()
    print("scale %s: %d failure(s)%s" % (args.scale, len(failures),
                                         ": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

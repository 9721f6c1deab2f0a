#!/usr/bin/python3
"""Differential SQL fuzzer (issue 8): random schemas, data and queries run on Flern and on a
real PostgreSQL 15; any difference in results, in SQLSTATEs, or a crashed or hung Flern is a
failure, printed as a standalone repro after automatic shrinking. A TLP check (q = q WHERE p
UNION ALL q WHERE NOT p UNION ALL q WHERE p IS NULL) runs on Flern alone.

Reproducible: --seed S --query I regenerates exactly query I of seed S (with the same flags).
Feature and defect flags: features.py (--enable / --disable NAME).
Usage: differential_fuzzer.py --flern build/server/flern-server --seeds 1-5 --queries 200
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
import oracle  # noqa: E402
import query_gen  # noqa: E402
import schema_gen  # noqa: E402
import session as session_mod  # noqa: E402
import shrink as shrink_mod  # noqa: E402
from expr_gen import ExprGen, Node  # noqa: E402


class Failure:
    def __init__(self, kind, seed, index, tables, query, pg, fl, check="differential"):
        self.kind = kind
        self.seed = seed
        self.index = index
        self.tables = tables
        self.query = query
        self.pg = pg
        self.fl = fl
        self.check = check

    def repro(self):
        schema = schema_gen.Schema(self.tables)
        lines = ["-- FAILURE (%s): %s   [seed %s, query %s]" % (self.check, self.kind, self.seed,
                                                              self.index),
                 schema.script().rstrip("\n"), self.query.sql() + ";"]
        if self.check == "tlp":
            for part in partitions(self.query, self.tlp_p):
                lines.append(part.sql() + ";")
            lines.append("-- Flern, q alone:        " + self.pg.describe().replace("\n", "\n--   "))
            lines.append("-- Flern, three partitions UNION ALL: " +
                         self.fl.describe().replace("\n", "\n--   "))
        else:
            lines.append("-- PostgreSQL: " + self.pg.describe().replace("\n", "\n--   "))
            lines.append("-- Flern:      " + self.fl.describe().replace("\n", "\n--   "))
        return "\n".join(lines)


def tlp_predicate(q, rng, flags):
    """A random predicate p to partition q by, or None if q is not eligible for TLP."""
    if (q.group_by is not None or q.distinct or q.set_op is not None or q.windowed
            or q.limit is not None or q.offset is not None):
        return None
    gen = ExprGen(rng, flags, [(it.alias, c) for it in q.from_items for c in it.columns])
    return gen.gen("bool", 2)


def partitions(query, p):
    """q WHERE p, q WHERE NOT p, q WHERE p IS NULL (each ANDed to q's own WHERE)."""
    parts = []
    for fmt in ("({0})", "(NOT {0})", "(({0}) IS NULL)"):
        cond = Node("bool", fmt, [p])
        part = query.copy()
        part.order = []
        part.where = cond if query.where is None else Node("bool", "({0} AND {1})",
                                                           [query.where, cond])
        parts.append(part)
    return parts


class Fuzzer:
    def __init__(self, args, flags):
        self.args = args
        self.flags = flags
        self.session = session_mod.Session(args.flern, args.timeout)
        self.failures = []
        self.stats = {"queries": 0, "pg_timeouts": 0, "both_error": 0, "tlp": 0, "tolerated": 0}

    # ---- one differential check
    def differential(self, query, count=True):
        pg, fl = self.session.both(query.sql())
        stats = self.stats if count else dict(self.stats)
        kind = oracle.verdict(pg, fl, query.ordered(), self.flags.check_result_types,
                              self.flags.F4_case_varchar_result_type)
        if (kind is not None and self.flags.tolerate_error_order
                and oracle.data_exception_order(pg, fl) and query.error_order_matters(
                    both_failed=pg.status == "error" and fl.status == "error")):
            stats["tolerated"] += 1
            kind = None
        if kind is None and not self.session.ensure_flern():
            kind = "flern dead or hung after the query (SELECT 1 failed)"
        elif fl.status in ("crash", "hang"):
            self.session.ensure_flern()
        if pg.status == "timeout":
            stats["pg_timeouts"] += 1
        elif pg.status == "error" and fl.status == "error":
            stats["both_error"] += 1
        return kind, pg, fl

    def tlp(self, base, parts):
        whole = self.session.fl_end.run(base.sql())
        outs = []
        for query in [None] + parts:
            out = whole if query is None else self.session.fl_end.run(query.sql())
            if out.status in ("crash", "hang"):
                self.session.ensure_flern()
                return "flern-" + out.status, whole, out
            outs.append(out)
        outs = outs[1:]
        if whole.status != "ok" or any(o.status != "ok" for o in outs):
            return None, whole, None     # p itself may fail (e.g. division by zero): no check
        union = oracle.Outcome(rows=[r for o in outs for r in o.rows], types=whole.types,
                               status="ok")
        if not oracle.rows_equal(whole.rows, union.rows, whole.types, ordered=False):
            return "q differs from its TLP partitions", whole, union
        return None, whole, union

    # ---- shrinking
    def reload(self, tables):
        stmts = schema_gen.Schema(tables).statements()
        self.session.load(stmts)

    def shrink(self, failure):
        if self.args.no_shrink:
            return failure
        original_tables = failure.tables

        def still_fails(tables, query):
            self.reload(tables)
            if failure.check == "tlp":
                return self.tlp_again(failure, query)
            kind, _, _ = self.differential(query, count=False)
            return kind == failure.kind

        shrinker = shrink_mod.Shrinker(still_fails, self.args.shrink_seconds, self.flags)
        tables, query = shrinker.shrink(failure.tables, failure.query)
        self.reload(tables)
        if failure.check == "tlp":
            failure.query = query
            failure.tables = tables
            kind, whole, union = self.tlp_by_where(query, failure.tlp_p)
            failure.pg, failure.fl = whole, union or whole
        else:
            _, pg, fl = self.differential(query, count=False)
            failure.tables, failure.query, failure.pg, failure.fl = tables, query, pg, fl
        self.reload(original_tables)
        return failure

    def tlp_again(self, failure, query):
        kind, _, _ = self.tlp_by_where(query, failure.tlp_p)
        return kind == failure.kind

    def tlp_by_where(self, query, p):
        """TLP of query by the fixed predicate p (a Node)."""
        base = query.copy()
        base.order = []
        return self.tlp(base, partitions(query, p))

    # ---- the run
    def report(self, failure):
        failure = self.shrink(failure)
        self.failures.append(failure)
        text = failure.repro()
        print(text + "\n", flush=True)
        if self.args.repro_dir:
            path = os.path.join(self.args.repro_dir, "seed%s-query%s.sql" % (failure.seed,
                                                                             failure.index))
            with open(path, "w") as f:
                f.write(text + "\n")

    def run_seed(self, seed, deadline):
        schema = schema_gen.random_schema(random.Random(seed), self.flags)
        bad = self.session.load(schema.statements())
        if bad is not None:
            sql, pg, fl = bad
            print("-- FAILURE (load) seed %s: %s\n-- PostgreSQL: %s\n-- Flern:      %s\n"
                  % (seed, sql, pg.describe(), fl.describe()), flush=True)
            self.failures.append(None)
            return
        for index in range(self.args.queries):
            if self.args.query is not None and index != self.args.query:
                continue
            if time.time() > deadline or len(self.failures) >= self.args.max_failures:
                return
            rng = random.Random(seed * 1000003 + index)
            query = query_gen.QueryGen(rng, self.flags, schema).query()
            self.stats["queries"] += 1
            kind, pg, fl = self.differential(query)
            if self.args.verbose:
                print("-- seed %s query %s: %s" % (seed, index, query.sql()), flush=True)
            if kind is not None:
                self.report(Failure(kind, seed, index, schema.tables, query, pg, fl))
                continue
            if self.flags.tlp and pg.status == "ok":
                p = tlp_predicate(query, rng, self.flags)
                if p is not None:
                    self.stats["tlp"] += 1
                    tkind, whole, union = self.tlp_by_where(query, p)
                    if tkind is not None:
                        f = Failure(tkind, seed, index, schema.tables, query, whole,
                                    union or whole, check="tlp")
                        f.tlp_p = p
                        self.report(f)


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds.extend(range(int(a), int(b) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flern", default=os.environ.get("FLERN_SERVER") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "server", "flern-server"))
    ap.add_argument("--seeds", default="1-3", help="e.g. 1-5,9 (one schema per seed)")
    ap.add_argument("--random-seeds", action="store_true",
                    help="ignore --seeds: draw seeds until --time-limit")
    ap.add_argument("--queries", type=int, default=200, help="queries per seed")
    ap.add_argument("--query", type=int, help="run only this query index of each seed")
    ap.add_argument("--time-limit", type=float, default=0, help="seconds (0: no limit)")
    ap.add_argument("--timeout", type=float, default=10.0, help="per-query timeout, seconds")
    ap.add_argument("--max-failures", type=int, default=20)
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--shrink-seconds", type=float, default=30.0)
    ap.add_argument("--repro-dir", help="also write each repro to DIR/seedS-queryI.sql")
    ap.add_argument("--enable", action="append", default=[], help="switch a flag on")
    ap.add_argument("--disable", action="append", default=[], help="switch a flag off")
    ap.add_argument("--list-flags", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="print every query")
    args = ap.parse_args()
    flags = features.Flags(args.enable, args.disable)
    if args.list_flags:
        for name, value in sorted(flags.values.items()):
            print("%-40s %s" % (name, "on" if value else "off"))
        return 0
    if args.repro_dir:
        os.makedirs(args.repro_dir, exist_ok=True)
    # A private copy of the binary: a rebuild during the run must not swap it underneath.
    tmp = tempfile.mkdtemp(prefix="flern-fuzz-")
    binary = os.path.join(tmp, "flern-server")
    shutil.copy2(args.flern, binary)
    args.flern = binary
    start = time.time()
    deadline = start + args.time_limit if args.time_limit else float("inf")
    fuzzer = Fuzzer(args, flags)
    try:
        if args.random_seeds:
            rng = random.SystemRandom()
            while time.time() < deadline and len(fuzzer.failures) < args.max_failures:
                seed = rng.randrange(1, 10 ** 9)
                print("-- seed %d" % seed, flush=True)
                fuzzer.run_seed(seed, deadline)
        else:
            for seed in parse_seeds(args.seeds):
                fuzzer.run_seed(seed, deadline)
    finally:
        fuzzer.session.close()
        shutil.rmtree(tmp, ignore_errors=True)
    s = fuzzer.stats
    print("-- %d queries (%d erred on both sides alike, %d data exceptions explained by "
          "evaluation order tolerated, %d PostgreSQL timeouts, %d TLP checks), %d failures, "
          "%d Flern restarts, %.1fs; flags: %s"
          % (s["queries"], s["both_error"], s["tolerated"], s["pg_timeouts"], s["tlp"],
             len(fuzzer.failures),
             fuzzer.session.restarts, time.time() - start, flags.describe()), flush=True)
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Runs a repro script (statements ending with ';' at the end of a line, e.g. a fuzzer repro
or a findings entry) on a fresh flern-server and a throwaway PostgreSQL 15 and prints both
outcomes of every statement, marking the ones that differ.
Usage: repro.py [--flern build/server/flern-server] FILE.sql   (or - for stdin)"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402
import session as session_mod  # noqa: E402


def statements(text):
    stmt = []
    for line in text.splitlines():
        if line.startswith("--") and not stmt:
            continue
        stmt.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(stmt).rstrip().rstrip(";")
            stmt = []
    if "".join(stmt).strip():
        yield "\n".join(stmt)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flern", default=os.environ.get("FLERN_SERVER") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "server", "flern-server"))
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("file")
    args = ap.parse_args()
    text = sys.stdin.read() if args.file == "-" else open(args.file).read()
    session = session_mod.Session(args.flern, args.timeout)
    differ = 0
    try:
        for sql in statements(text):
            pg, fl = session.both(sql)
            if not sql.lstrip().upper().startswith(("SELECT", "WITH", "EXPLAIN")):
                session.loaded.append(sql)        # replayed if Flern has to be restarted
            kind = oracle.verdict(pg, fl, ordered="ORDER BY" in sql.upper())
            session.ensure_flern()
            differ += kind is not None
            print("%s %s" % ("DIFFERS (%s):" % kind if kind else "same:", sql))
            print("  PostgreSQL: " + pg.describe().replace("\n", "\n  "))
            print("  Flern:      " + fl.describe().replace("\n", "\n  "))
    finally:
        session.close()
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

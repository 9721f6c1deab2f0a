#!/usr/bin/env python3
"""Runs sqllogictest files against Flern and a throwaway PostgreSQL 15, comparing what psql prints.

File format (DuckDB's idiom; the expected results are not typed in, they come from PostgreSQL):

    # name: test/sql/select/basic.test
    # description: ...
    # group: [select]

    statement ok
    CREATE TABLE t (a integer)

    statement error 42P01
    SELECT * FROM nosuch

    query rowsort
    SELECT a FROM t

Records are separated by blank lines. `statement ok`: both servers succeed and psql prints the
same command tag. `statement error [SQLSTATE]`: both fail with the same SQLSTATE (and the given one,
if any). `query [rowsort]`: both succeed and psql prints the same table, byte for byte (rows sorted
first with rowsort). Every file runs against a fresh Flern server and a fresh PostgreSQL database.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402


def parse_records(path):
    records = []
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line or line.startswith("#"):
            i += 1
            continue
        header = line.split()
        start = i + 1
        i += 1
        body = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i])
            i += 1
        records.append({"kind": header[0], "args": header[1:], "sql": "\n".join(body),
                        "line": start})
    return records


def sort_rows(output):
    lines = output.split("\n")
    # header, separator, rows..., "(N rows)"
    if len(lines) < 3:
        return output
    footer = [k for k, l in enumerate(lines) if l.startswith("(") and l.endswith(")")]
    end = footer[-1] if footer else len(lines)
    return "\n".join(lines[:2] + sorted(lines[2:end]) + lines[end:])


def run_file(path, flern_binary, postgres, index):
    database = "slt_%d" % index
    postgres.psql("CREATE DATABASE %s" % database)
    flern = harness.FlernServer(flern_binary).start()
    failures = []
    try:
        for record in parse_records(path):
            where = "%s:%d" % (path, record["line"])
            sql = record["sql"]
            ours = flern.psql(sql)
            theirs = postgres.psql(sql, database=database)
            kind = record["kind"]
            if kind == "statement" and record["args"][:1] == ["ok"]:
                if ours.sqlstates or theirs.sqlstates:
                    failures.append("%s: expected success; flern %s, postgres %s\n  flern: %s"
                                    % (where, ours.sqlstates or "ok", theirs.sqlstates or "ok",
                                       ours.stderr.strip()))
                elif ours.stdout != theirs.stdout:
                    failures.append("%s: command tags differ: flern %r, postgres %r"
                                    % (where, ours.stdout, theirs.stdout))
            elif kind == "statement" and record["args"][:1] == ["error"]:
                wanted = record["args"][1] if len(record["args"]) > 1 else None
                if not theirs.sqlstates:
                    failures.append("%s: test is wrong: PostgreSQL accepted it" % where)
                elif ours.sqlstates != theirs.sqlstates or (wanted and ours.sqlstates[0] != wanted):
                    failures.append("%s: SQLSTATE: flern %s, postgres %s, test %s\n  flern: %s"
                                    % (where, ours.sqlstates or "success", theirs.sqlstates,
                                       wanted, ours.stderr.strip()))
            elif kind == "query":
                if theirs.sqlstates:
                    failures.append("%s: test is wrong: PostgreSQL failed: %s"
                                    % (where, theirs.stderr.strip()))
                    continue
                a, b = ours.stdout, theirs.stdout
                if "rowsort" in record["args"]:
                    a, b = sort_rows(a), sort_rows(b)
                if ours.sqlstates or a != b:
                    failures.append("%s: results differ\n--- flern%s\n%s--- postgres\n%s"
                                    % (where, " (" + ours.stderr.strip() + ")" if ours.stderr else "",
                                       a, b))
            else:
                failures.append("%s: unknown record %s" % (where, kind))
            if not flern.alive():
                failures.append("%s: flern-server died" % where)
                break
    finally:
        flern.cleanup()
        postgres.psql("DROP DATABASE %s" % database)
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flern", required=True, help="path of flern-server")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    postgres = harness.PostgresServer().start()
    failures = []
    try:
        for index, path in enumerate(sorted(args.files)):
            file_failures = run_file(path, args.flern, postgres, index)
            print("%-50s %s" % (os.path.basename(path), "ok" if not file_failures else
                                "%d FAILED" % len(file_failures)))
            failures += file_failures
    finally:
        postgres.stop()
    for failure in failures:
        print("FAIL " + failure)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

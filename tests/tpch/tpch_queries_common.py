"""Shared by the TPC-H query test and benchmark: the 22 query files, loading the same generated
data into a throwaway PostgreSQL 15 and into a flern-server, and running one query through psql.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
from test_tpch_load import SCHEMA  # noqa: E402

QUERY_DIR = os.path.join(HERE, "queries")
QUERIES = ["q%02d" % n for n in range(1, 23)]

# PostgreSQL only: keys and the indexes its correlated subplans need (Q2 probes partsupp by part,
# Q17 and Q20 probe lineitem by part and supplier). Indexes change plans, never answers; without
# them PostgreSQL rescans lineitem once per outer row and Q17/Q20 take hours at scale 1.
POSTGRES_INDEXES = [
    "ALTER TABLE region ADD PRIMARY KEY (r_regionkey)",
    "ALTER TABLE nation ADD PRIMARY KEY (n_nationkey)",
    "ALTER TABLE supplier ADD PRIMARY KEY (s_suppkey)",
    "ALTER TABLE customer ADD PRIMARY KEY (c_custkey)",
    "ALTER TABLE part ADD PRIMARY KEY (p_partkey)",
    "ALTER TABLE partsupp ADD PRIMARY KEY (ps_partkey, ps_suppkey)",
    "ALTER TABLE orders ADD PRIMARY KEY (o_orderkey)",
    "ALTER TABLE lineitem ADD PRIMARY KEY (l_orderkey, l_linenumber)",
    "CREATE INDEX ON orders (o_custkey)",
    "CREATE INDEX ON lineitem (l_partkey, l_suppkey)",
]


def query_sql(name):
    with open(os.path.join(QUERY_DIR, name + ".sql")) as f:
        return f.read()


def generate(tool, scale, directory):
    subprocess.run([tool, "--scale", str(scale), "--output", directory], check=True,
                   stdout=subprocess.DEVNULL)


def postgres_connection(postgres):
    return ["-h", postgres.dir, "-p", str(postgres.port), "-U", "postgres", "-d", "postgres"]


def flern_connection(flern):
    return ["-h", "127.0.0.1", "-p", str(flern.port), "-U", "flern", "-d", "flern"]


def psql(connection, sql, extra=(), timeout=3600):
    """Runs sql (one statement or a psql script) through psql; errors print as
    'ERROR:  SQLSTATE: message' (VERBOSITY verbose). Returns (returncode, stdout, stderr, seconds);
    returncode None means the timeout passed (psql is killed)."""
    env = dict(os.environ, PGOPTIONS="", PGTZ="UTC", PGCLIENTENCODING="UTF8")
    command = ["psql", "-X", "-q", "-v", "VERBOSITY=verbose"] + list(connection) + list(extra)
    start = time.time()
    try:
        process = subprocess.run(command, input=sql, env=env, capture_output=True, text=True,
                                 timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        return None, expired.stdout or "", expired.stderr or "", time.time() - start
    return process.returncode, process.stdout, process.stderr, time.time() - start


def errors(stderr):
    """(SQLSTATE, message) of each ERROR/FATAL line psql printed with VERBOSITY verbose."""
    found = []
    for line in stderr.splitlines():
        match = re.match(r"^(?:psql:[^ ]*: )?(ERROR|FATAL):  ([0-9A-Z]{5}): (.*)$", line)
        if match:
            found.append((match.group(2), match.group(3)))
        elif re.match(r"^(?:psql:[^ ]*: )?(ERROR|FATAL|error|psql: error)", line):
            found.append(("?????", line))
    return found


def checked(result, what):
    code, _, stderr, _ = result
    if code != 0 or errors(stderr):
        raise RuntimeError("%s failed: %s" % (what, stderr.strip()))


def load_postgres(postgres, directory, log=print):
    """COPY of the .tbl files (PostgreSQL rejects dbgen's trailing '|', so psql's client-side
    \\copy reads them through sed), then keys, indexes and VACUUM ANALYZE."""
    connection = postgres_connection(postgres)
    start = time.time()
    for table, columns in SCHEMA.items():
        checked(psql(connection, "CREATE TABLE %s (%s);" % (table, columns)), "create " + table)
        path = os.path.join(directory, table + ".tbl")
        checked(psql(connection, "\\copy %s FROM PROGRAM 'sed \"s/|$//\" %s' WITH (FORMAT csv, "
                                 "DELIMITER '|')\n" % (table, path)), "copy " + table)
    for statement in POSTGRES_INDEXES:
        checked(psql(connection, statement + ";"), statement)
    checked(psql(connection, "VACUUM ANALYZE;"), "vacuum analyze")
    log("PostgreSQL 15: loaded, indexed and analyzed in %.1f s" % (time.time() - start))


def load_flern(flern, scale, log=print):
    start = time.time()
    checked(psql(flern_connection(flern), "CALL tpch_load(%s);" % scale), "tpch_load")
    log("Flern: CALL tpch_load(%s) in %.1f s" % (scale, time.time() - start))


def flern_alive(flern):
    if not flern.alive():
        return False
    code, stdout, _, _ = psql(flern_connection(flern), "SELECT 1;", extra=["-A", "-t"], timeout=60)
    return code == 0 and stdout.strip() == "1"

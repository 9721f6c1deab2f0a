#!/usr/bin/env python3
"""TPC-H data benchmark: flern-tpchgen's generation time (vs official dbgen's ~15 s for scale 1
on this machine kind, one process), CALL tpch_load(sf) time, and loading lineitem.tbl through
psql's \\copy into Flern and into a throwaway PostgreSQL 15 in the same run.

    python3 bench/tpch_benchmark.py [--scale 1]

PostgreSQL rejects dbgen's trailing '|', so it loads a copy of the file with it removed (the
stripping is not timed). This is a benchmark, not a test.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import harness  # noqa: E402
from test_tpch_load import SCHEMA  # noqa: E402

OFFICIAL_DBGEN_SF1_SECONDS = 15.0


def timed(command, **kwargs):
    start = time.time()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0 or "ERROR" in result.stderr:
        raise RuntimeError("%s: %s" % (command, result.stderr))
    return time.time() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    args = parser.parse_args()
    tool = os.path.join(args.build, "tpch", "flern-tpchgen")
    server = os.path.join(args.build, "server", "flern-server")
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        # Generation to memory (tmpfs) measures the generator; to disk, also the disk, whose
        # write-back can stall a run for far longer than generation takes.
        in_memory = []
        if os.path.isdir("/dev/shm"):
            with tempfile.TemporaryDirectory(dir="/dev/shm") as shm:
                in_memory = [timed([tool, "--scale", args.scale, "--output", shm])
                             for _ in range(2)]
        to_disk = timed([tool, "--scale", args.scale, "--output", tmp])
        best = min(in_memory + [to_disk])
        print("flern-tpchgen --scale %s: to tmpfs %s, to disk %.2f s (official dbgen scale 1: "
              "~%.0f s; ratio of the best %.2f at scale 1)"
              % (args.scale, " then ".join("%.2f s" % t for t in in_memory) or "-", to_disk,
                 OFFICIAL_DBGEN_SF1_SECONDS,
                 best / OFFICIAL_DBGEN_SF1_SECONDS if args.scale == "1" else float("nan")))
        lineitem = os.path.join(tmp, "lineitem.tbl")
        stripped = os.path.join(tmp, "lineitem.csv")
        with open(lineitem) as source, open(stripped, "w") as target:
            for line in source:
                target.write(line[:-2] + "\n")
        flern = harness.FlernServer(server).start()
        postgres = harness.PostgresServer().start()
        try:
            flern_connection = ["-h", "127.0.0.1", "-p", str(flern.port), "-U", "x", "-d", "x"]
            postgres_connection = ["-h", postgres.dir, "-p", str(postgres.port), "-U", "postgres",
                                   "-d", "postgres"]

            def copies(connection, path):
                times = []
                for _ in range(2):
                    timed(["psql", "-X"] + connection + [
                        "-c", "DROP TABLE IF EXISTS lineitem_copy",
                        "-c", "CREATE TABLE lineitem_copy (%s)" % SCHEMA["lineitem"]])
                    times.append(timed(["psql", "-X"] + connection + [
                        "-c", "\\copy lineitem_copy FROM '%s' WITH (FORMAT csv, DELIMITER '|')" % path]))
                return times

            ours = copies(flern_connection, lineitem)
            theirs = copies(postgres_connection, stripped)
            print("\\copy lineitem (scale %s): flern %.2f s then %.2f s, postgres %.2f s then %.2f s; "
                  "best flern/best postgres %.3f (postgres %.1fx slower)"
                  % (args.scale, ours[0], ours[1], theirs[0], theirs[1], min(ours) / min(theirs),
                     min(theirs) / min(ours)))
            timed(["psql", "-X"] + flern_connection + ["-c", "DROP TABLE lineitem_copy"])
            loads = []
            for _ in range(2):
                loads.append(timed(["psql", "-X"] + flern_connection +
                                   ["-c", "CALL tpch_load(%s)" % args.scale]))
                timed(["psql", "-X"] + flern_connection + [
                    "-c", "DROP TABLE region, nation, supplier, customer, part, partsupp, orders, "
                          "lineitem"])
            print("CALL tpch_load(%s): %.2f s first (builds the text pool), %.2f s second"
                  % (args.scale, loads[0], loads[1]))
        finally:
            flern.cleanup()
            postgres.stop()


if __name__ == "__main__":
    main()

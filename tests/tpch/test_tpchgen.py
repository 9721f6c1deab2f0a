#!/usr/bin/env python3
"""flern-tpchgen against the official dbgen 2.14.0 output: the md5 of every table file at the
given scale factors (tpch/md5sums.txt), and parts (--parts N --part K) that concatenate to the
whole table."""
import hashlib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MD5S = os.path.join(HERE, "..", "..", "tpch", "md5sums.txt")
TABLES = ["part", "partsupp", "supplier", "customer", "orders", "lineitem", "nation", "region"]


def md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    tool, scales = sys.argv[1], sys.argv[2:]
    expected = {}
    for line in open(MD5S):
        if line.strip() and not line.startswith("#"):
            digest, path = line.split()
            expected[path] = digest
    failures = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([tool, "--scale", scale, "--output", out], check=True)
            for table in TABLES:
                got = md5(os.path.join(out, table + ".tbl"))
                want = expected["sf%s/%s.tbl" % (scale, table)]
                print("sf%-5s %-9s %s" % (scale, table, "ok" if got == want else "MISMATCH"))
                if got != want:
                    failures.append((scale, table))
            # Parts: three parts of every table concatenate to the whole.
            for part in (1, 2, 3):
                subprocess.run([tool, "--scale", scale, "--output", out, "--parts", "3", "--part",
                                str(part), "--tables", "lineitem,partsupp,customer"], check=True)
            for table in ("lineitem", "partsupp", "customer"):
                whole = open(os.path.join(out, table + ".tbl"), "rb").read()
                joined = b"".join(open(os.path.join(out, "%s.tbl.%d" % (table, k)), "rb").read()
                                  for k in (1, 2, 3))
                ok = whole == joined
                print("sf%-5s %-9s parts %s" % (scale, table, "ok" if ok else "MISMATCH"))
                if not ok:
                    failures.append((scale, table + " parts"))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

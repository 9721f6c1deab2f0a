"""CALL tpch_load(sf) against COPY of the generator's .tbl files: on two fresh servers, every table
must have the same row count and the same count, min, max and sum (of values, or of lengths for
text) in every column. Scale factors from FLERN_TPCH_SCALES (default 0.01)."""
import os
import subprocess
import tempfile
import unittest

from e2e_common import FLERN_SERVER, harness

SCHEMA = {
    "region": "r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152) NOT NULL",
    "nation": "n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL, "
              "n_comment VARCHAR(152) NOT NULL",
    "supplier": "s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL, "
                "s_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal NUMERIC(15,2) NOT NULL, "
                "s_comment VARCHAR(101) NOT NULL",
    "customer": "c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL, "
                "c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal NUMERIC(15,2) NOT NULL, "
                "c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL",
    "part": "p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL, "
            "p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL, "
            "p_container CHAR(10) NOT NULL, p_retailprice NUMERIC(15,2) NOT NULL, p_comment VARCHAR(23) NOT NULL",
    "partsupp": "ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL, "
                "ps_supplycost NUMERIC(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL",
    "orders": "o_orderkey BIGINT NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL, "
              "o_totalprice NUMERIC(15,2) NOT NULL, o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL, "
              "o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL",
    "lineitem": "l_orderkey BIGINT NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, "
                "l_linenumber INTEGER NOT NULL, l_quantity NUMERIC(15,2) NOT NULL, "
                "l_extendedprice NUMERIC(15,2) NOT NULL, l_discount NUMERIC(15,2) NOT NULL, "
                "l_tax NUMERIC(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, "
                "l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, "
                "l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL",
}


def summary_query(table):
    parts = ["count(*)"]
    for definition in SCHEMA[table].split(", "):
        name, kind = definition.split()[0], definition.split()[1]
        parts += ["min(%s)" % name, "max(%s)" % name]
        if kind.startswith(("INTEGER", "BIGINT", "NUMERIC")):
            parts.append("sum(%s)" % name)
        elif kind.startswith(("CHAR", "VARCHAR")):
            parts.append("sum(length(%s))" % name)
    return "SELECT %s FROM %s" % (", ".join(parts), table)


class TpchLoad(unittest.TestCase):
    def test_call_equals_copy(self):
        tool = os.path.join(os.path.dirname(FLERN_SERVER), "..", "tpch", "flern-tpchgen")
        for scale in os.environ.get("FLERN_TPCH_SCALES", "0.01").split(","):
            direct = harness.FlernServer(FLERN_SERVER).start()
            copied = harness.FlernServer(FLERN_SERVER).start()
            try:
                self.assertEqual(direct.psql("CALL tpch_load(%s)" % scale).stdout.strip(), "CALL")
                with tempfile.TemporaryDirectory() as tmp:
                    subprocess.run([tool, "--scale", scale, "--output", tmp], check=True)
                    for table, columns in SCHEMA.items():
                        self.assertEqual(copied.psql("CREATE TABLE %s (%s)" % (table, columns)).stderr, "")
                        loaded = copied.psql("\\copy %s FROM '%s' WITH (FORMAT csv, DELIMITER '|')"
                                             % (table, os.path.join(tmp, table + ".tbl")))
                        self.assertEqual(loaded.stderr, "", table)
                for table in SCHEMA:
                    ours = direct.psql(summary_query(table), extra=["-A", "-t"])
                    theirs = copied.psql(summary_query(table), extra=["-A", "-t"])
                    self.assertEqual(ours.stderr, "")
                    self.assertEqual(ours.stdout, theirs.stdout, "sf %s table %s" % (scale, table))
                    self.assertNotEqual(ours.stdout.split("|")[0], "0")
                # Loading twice is refused; the tables stay.
                self.assertEqual(direct.psql("CALL tpch_load(%s)" % scale).sqlstates, ["42P07"])
            finally:
                direct.cleanup()
                copied.cleanup()

    def test_bad_calls(self):
        server = harness.FlernServer(FLERN_SERVER).start()
        try:
            self.assertEqual(server.psql("CALL nosuch()").sqlstates, ["42883"])
            self.assertEqual(server.psql("CALL tpch_load(-1)").sqlstates, ["22023"])
            self.assertEqual(server.psql("CALL tpch_load('x')").sqlstates, ["42804"])
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()

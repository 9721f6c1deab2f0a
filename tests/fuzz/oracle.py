"""Runs statements on Flern and PostgreSQL and compares the outcomes.

Values are fetched as the text the server sent (no driver conversion), so numerics, dates and
booleans are compared exactly as printed; double precision values with a small relative
tolerance, since summation order may differ. Flern runs over an asynchronous psycopg2
connection so that a hung server is noticed after a per-query timeout."""
import math
import select
import time

import psycopg2
import psycopg2.extensions as ext

FLOAT_OIDS = {700, 701}
RAW_OIDS = (16, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1700)
RAW = ext.new_type(RAW_OIDS, "FLERN_FUZZ_RAW", lambda value, cursor: value)
REL_TOL = 1e-9


class Outcome:
    def __init__(self, rows=None, types=None, sqlstate=None, message=None, status=None):
        self.rows = rows          # list of tuples of text (None for NULL)
        self.types = types        # result column type OIDs
        self.sqlstate = sqlstate  # None on success
        self.message = message
        self.status = status      # "ok", "error", "hang", "crash", "timeout"

    def describe(self, limit=20):
        if self.status == "ok":
            shown = self.rows[:limit]
            more = "" if len(self.rows) <= limit else "\n  ... (%d rows)" % len(self.rows)
            return "types %s, %d rows:\n%s%s" % (self.types, len(self.rows), "\n".join(
                "  " + " | ".join("NULL" if v is None else repr(v) for v in r)
                for r in shown), more)
        if self.status == "error":
            return "ERROR %s: %s" % (self.sqlstate, (self.message or "").strip().splitlines()[0])
        return self.status.upper() + (": " + self.message if self.message else "")


class Endpoint:
    """One server. Flern: async connection with a client-side timeout. PostgreSQL: a normal
    connection with statement_timeout (its timeouts make the query uninteresting, not failed)."""

    def __init__(self, dsn, timeout, async_mode):
        self.dsn = dsn
        self.timeout = timeout
        self.async_mode = async_mode
        self.conn = None

    def connect(self):
        self.close()
        if self.async_mode:
            self.conn = psycopg2.connect(self.dsn, async_=1)
            self.wait(time.time() + self.timeout)
        else:
            self.conn = psycopg2.connect(self.dsn)
            self.conn.autocommit = True
        ext.register_type(RAW, self.conn)

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None

    def wait(self, deadline):
        while True:
            state = self.conn.poll()
            if state == ext.POLL_OK:
                return True
            remaining = deadline - time.time()
            if remaining <= 0:
                return False
            fd = self.conn.fileno()
            if state == ext.POLL_READ:
                select.select([fd], [], [], remaining)
            elif state == ext.POLL_WRITE:
                select.select([], [fd], [], remaining)

    def run(self, sql):
        if self.conn is None:
            return Outcome(status="crash", message="no connection (the server died earlier)")
        try:
            cur = self.conn.cursor()
            cur.execute(sql)
            if self.async_mode and not self.wait(time.time() + self.timeout):
                self.close()
                return Outcome(status="hang", message="no answer within %gs" % self.timeout)
            if cur.description is None:
                return Outcome(rows=[], types=[], status="ok")
            return Outcome(rows=[tuple(r) for r in cur.fetchall()],
                           types=[d.type_code for d in cur.description], status="ok")
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            if getattr(e, "pgcode", None) == "57014":
                return Outcome(status="timeout", sqlstate="57014", message=str(e))
            if getattr(e, "pgcode", None):
                return Outcome(sqlstate=e.pgcode, message=str(e), status="error")
            self.close()
            return Outcome(status="crash", message=str(e).strip())
        except psycopg2.Error as e:
            if e.pgcode is None:
                self.close()
                return Outcome(status="crash", message=str(e).strip())
            return Outcome(sqlstate=e.pgcode, message=str(e), status="error")


def cell_equal(a, b, is_float):
    if a == b:
        return True
    if a is None or b is None or not is_float:
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-300)


def sort_key(row, float_cols):
    key = []
    for i, v in enumerate(row):
        if v is None:
            key.append((0, 0.0, ""))
        elif i in float_cols:
            try:
                f = float(v)
                key.append((2, 0.0, "") if math.isnan(f) else (1, f, ""))
            except ValueError:
                key.append((3, 0.0, v))
        else:
            key.append((1, 0.0, v))
    return key


def rows_equal(a, b, types, ordered):
    if len(a) != len(b):
        return False
    floats = {i for i, t in enumerate(types) if t in FLOAT_OIDS}
    if not ordered:
        a = sorted(a, key=lambda r: sort_key(r, floats))
        b = sorted(b, key=lambda r: sort_key(r, floats))
    for ra, rb in zip(a, b):
        if len(ra) != len(rb):
            return False
        if not all(cell_equal(x, y, i in floats) for i, (x, y) in enumerate(zip(ra, rb))):
            return False
    return True


def data_exception_order(pg, fl):
    """A difference that evaluation order alone can explain: one side failed with a data
    exception (class 22) and the other answered, or both failed with different ones."""
    pg22 = pg.status == "error" and pg.sqlstate.startswith("22")
    fl22 = fl.status == "error" and fl.sqlstate.startswith("22")
    return (pg22 and fl.status == "ok") or (fl22 and pg.status == "ok") or (pg22 and fl22)


def normal_types(types, varchar_as_text):
    return [25 if varchar_as_text and t == 1043 else t for t in types]


def verdict(pg, fl, ordered, check_types=True, varchar_as_text=False):
    """None when Flern agrees with PostgreSQL, else a short failure kind."""
    if fl.status in ("crash", "hang"):
        return "flern-" + fl.status
    if pg.status == "timeout":
        return None
    if pg.status == "error" and fl.status == "error":
        return None if pg.sqlstate == fl.sqlstate else "sqlstate %s vs %s" % (
            pg.sqlstate, fl.sqlstate)
    if pg.status == "error":
        return "error only on PostgreSQL (%s)" % pg.sqlstate
    if fl.status == "error":
        return "error only on Flern (%s)" % fl.sqlstate
    if check_types and (normal_types(pg.types, varchar_as_text)
                        != normal_types(fl.types, varchar_as_text)):
        return "result types differ"
    if not rows_equal(pg.rows, fl.rows, pg.types, ordered):
        # Equal keys of floating-point sums may sort either way within the tolerance.
        if ordered and rows_equal(pg.rows, fl.rows, pg.types, False) and any(
                t in FLOAT_OIDS for t in pg.types):
            return None
        return "rows differ"
    return None

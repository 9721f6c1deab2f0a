"""Random schemas and data for the differential fuzzer: 2-4 tables of the engine's types, rows
with NULLs, duplicates and the edge values of each type, rendered as SQL literals so that the
same statements load PostgreSQL and Flern identically (and a repro can print them)."""
import decimal

INT4_MIN, INT4_MAX = -2 ** 31, 2 ** 31 - 1
INT8_MIN, INT8_MAX = -2 ** 63, 2 ** 63 - 1

INT4_EDGES = [0, -1, 1, 2, -2, 7, 10, -100, 1000, INT4_MIN, INT4_MAX, INT4_MIN + 1, INT4_MAX - 1]
INT8_EDGES = [0, -1, 1, 3, 2 ** 31, -2 ** 31 - 1, 10 ** 12, INT8_MIN, INT8_MAX, INT8_MIN + 1,
              INT8_MAX - 1, 4294967296]
FLOAT_EDGES = [0.0, -1.0, 1.0, 0.5, 1.5, -2.25, 0.1, 3.141592653589793, 1e15, -1e-5, 1e308,
               -1e308, 1e-300, 2.5, 123456.789]
TEXT_EDGES = ["", " ", "a", "A", "abc", "ABC", "a%b", "a_b", "hello world", "x", "zz", "0", "12",
              "-7", " 3 ", "it's", "abc ", "b", "Ab"]
NON_ASCII_TEXT = ["é", "Straße", "ÄÖÜ", "日本"]
DATE_EDGES = ["2000-01-01", "1970-01-01", "2000-02-29", "1999-12-31", "2024-06-15", "0001-01-01",
              "9999-12-31", "2020-03-01", "1900-02-28"]


class Column:
    def __init__(self, name, sql_type, kind, not_null=False, length=None, precision=None,
                 scale=None):
        self.name = name
        self.sql_type = sql_type      # as written in CREATE TABLE
        self.kind = kind              # the expression type: int4 int8 float8 numeric text date bool
        self.not_null = not_null
        self.length = length          # varchar(n)
        self.precision = precision    # numeric(p,s)
        self.scale = scale

    def ddl(self):
        return "%s %s%s" % (self.name, self.sql_type, " NOT NULL" if self.not_null else "")


class Table:
    def __init__(self, name, columns, rows):
        self.name = name
        self.columns = columns
        self.rows = rows              # list of lists of SQL literal strings
        self.big = False              # hundreds of rows: at most one per statement

    def create_sql(self):
        return "CREATE TABLE %s (%s)" % (self.name, ", ".join(c.ddl() for c in self.columns))

    def insert_sql(self, rows=None):
        rows = self.rows if rows is None else rows
        if not rows:
            return None
        return "INSERT INTO %s VALUES %s" % (
            self.name, ", ".join("(%s)" % ", ".join(r) for r in rows))

    def with_rows(self, rows):
        table = Table(self.name, self.columns, rows)
        table.big = self.big
        return table


class Schema:
    def __init__(self, tables):
        self.tables = tables

    def statements(self):
        out = []
        for t in self.tables:
            out.append("DROP TABLE IF EXISTS %s" % t.name)
            out.append(t.create_sql())
            ins = t.insert_sql()
            if ins:
                out.append(ins)
        return out

    def script(self):
        return "".join(s + ";\n" for s in self.statements() if not s.startswith("DROP"))


def quote_text(s):
    return "'" + s.replace("'", "''") + "'"


def float_literal(f):
    return "'%r'" % f


def random_column(rng, name, flags):
    choice = rng.choice(["int4", "int4", "int8", "float8", "numeric", "text", "varchar", "date",
                         "bool"])
    not_null = rng.random() < 0.2
    if choice == "int4":
        return Column(name, "integer", "int4", not_null)
    if choice == "int8":
        return Column(name, "bigint", "int8", not_null)
    if choice == "float8":
        return Column(name, "double precision", "float8", not_null)
    if choice == "numeric":
        p = rng.choice([2, 5, 9, 12, 15])
        s = rng.randint(0, min(p, 4))
        return Column(name, "numeric(%d,%d)" % (p, s), "numeric", not_null, precision=p, scale=s)
    if choice == "text":
        return Column(name, "text", "text", not_null)
    if choice == "varchar":
        n = rng.choice([1, 3, 5, 10])
        return Column(name, "varchar(%d)" % n, "text", not_null, length=n)
    if choice == "date":
        return Column(name, "date", "date", not_null)
    return Column(name, "boolean", "bool", not_null)


def random_value(rng, col, flags):
    """One non-null value of the column's type as an SQL literal."""
    k = col.kind
    if k == "int4":
        if rng.random() < 0.5:
            return str(rng.choice(INT4_EDGES))
        return str(rng.randint(-50, 50) if rng.random() < 0.7 else rng.randint(INT4_MIN, INT4_MAX))
    if k == "int8":
        if rng.random() < 0.5:
            return str(rng.choice(INT8_EDGES))
        return str(rng.randint(-50, 50) if rng.random() < 0.6 else rng.randint(INT8_MIN, INT8_MAX))
    if k == "float8":
        if rng.random() < 0.5:
            edges = FLOAT_EDGES
            if flags.F12_float_overflow_unchecked:
                edges = [f for f in edges if abs(f) < 1e300]
            return float_literal(rng.choice(edges))
        return float_literal(round(rng.uniform(-1000, 1000), rng.randint(0, 6)))
    if k == "numeric":
        p, s = col.precision, col.scale
        top = 10 ** p - 1             # the largest unscaled value numeric(p,s) holds
        r = rng.random()
        if r < 0.15:
            unscaled = rng.choice([top, -top])
        elif r < 0.3:
            unscaled = rng.choice([0, 10 ** s, -10 ** s])
        else:
            unscaled = rng.randint(-min(top, 10 ** (s + 3)), min(top, 10 ** (s + 3)))
        return str(decimal.Decimal(unscaled).scaleb(-s))
    if k == "text":
        non_ascii = flags.non_ascii_text and not flags.F8_upper_lower_ascii_only
        pool = TEXT_EDGES + (NON_ASCII_TEXT if non_ascii else [])
        if rng.random() < 0.6:
            s = rng.choice(pool)
        else:
            s = "".join(rng.choice("abcxyz_% ") for _ in range(rng.randint(0, 8)))
        if col.length is not None:
            s = s[:col.length]
        return quote_text(s)
    if k == "date":
        if rng.random() < 0.5:
            edges = DATE_EDGES
            if flags.F5_bc_date_output:
                edges = ["0010-01-01" if d == "0001-01-01" else d for d in edges]
            return "'%s'" % rng.choice(edges)
        return "'%04d-%02d-%02d'" % (rng.randint(1900, 2100), rng.randint(1, 12),
                                     rng.randint(1, 28))
    return rng.choice(["true", "false"])


def random_rows(rng, columns, flags, big=False):
    count = rng.choice([0, 1, 2, 3, 5, 8, 10, 12, 15, 20, 20, 40])
    # Small per-column pools make equal values (joins, groups, DISTINCT) common; a big table
    # (hash tables that grow, many groups) draws from larger ones.
    pool_size = (2, 5)
    if big:
        count, pool_size = rng.randint(200, 1000), (5, 60)
    pools = [[random_value(rng, c, flags) for _ in range(rng.randint(*pool_size))]
             for c in columns]
    rows = []
    for _ in range(count):
        if rows and rng.random() < 0.15:
            rows.append(list(rng.choice(rows)))          # an exact duplicate row
            continue
        row = []
        for c, pool in zip(columns, pools):
            if not c.not_null and rng.random() < 0.15:
                row.append("NULL")
            elif rng.random() < 0.6:
                row.append(rng.choice(pool))
            else:
                row.append(random_value(rng, c, flags))
        rows.append(row)
    return rows


def random_schema(rng, flags, prefix="t"):
    tables = []
    for i in range(rng.randint(2, 4)):
        columns = [random_column(rng, "c%d" % j, flags) for j in range(rng.randint(1, 5))]
        # Every table has an integer column, so that joins on equal values are likely.
        if not any(c.kind in ("int4", "int8") for c in columns):
            columns.append(Column("c%d" % len(columns), "integer", "int4"))
        tables.append(Table("%s%d" % (prefix, i), columns, random_rows(rng, columns, flags)))
    if flags.big_tables and rng.random() < 0.25:
        t = tables[-1]
        t.rows = random_rows(rng, t.columns, flags, big=True)
        t.big = True
    return Schema(tables)

"""Typed random expression trees for the differential fuzzer.

A Node renders itself as SQL from a template and its children, so the shrinker can replace any
node by a child of the same type or by a literal. Types follow PostgreSQL's resolution (int4 op
int8 -> int8, anything op float8 -> float8, ...), so generated queries are valid on PostgreSQL.

PostgreSQL folds constant subexpressions while planning: 1/0 or CAST('x' AS integer) fail there
even when no row reaches them. Operations that can fail therefore always get an operand that
references a column (or an aggregate), never only constants.
"""
import schema_gen

NUMS = ["int4", "int8", "numeric", "float8"]
ALL_TYPES = NUMS + ["text", "date", "bool"]
SQL_NAME = {"int4": "integer", "int8": "bigint", "numeric": "numeric", "float8": "double precision",
            "text": "text", "date": "date", "bool": "boolean"}
RANK = {"int4": 0, "int8": 1, "numeric": 2, "float8": 3}


def promote(a, b):
    return a if RANK[a] >= RANK[b] else b


NONSTRICT = ("CASE", "COALESCE(", "NULLIF(", "({0} AND", "({0} OR", "({0} IS ", "(NOT ",
             "({0} IN", "({0} NOT IN", "count(")


class Node:
    """fmt is the SQL of a leaf, or a template with {0}, {1}... for the children.

    own_risky: this operation can raise a data exception (overflow, bad input, ...).
    own_loose: PostgreSQL may skip or reorder the evaluation of this node's operands (AND, OR,
    BETWEEN, IN lists), so which of them raises an error first is not defined."""
    __slots__ = ("type", "fmt", "children", "own_ref", "ref", "agg", "aliases", "own_risky",
                 "risky", "own_loose", "loose")

    def __init__(self, type_, fmt, children=(), ref=False, agg=False, aliases=frozenset(),
                 risky=False, loose=False):
        self.type = type_
        self.fmt = fmt
        self.children = tuple(children)
        self.own_ref = ref
        self.ref = ref or any(c.ref for c in self.children)
        self.agg = agg
        self.aliases = frozenset(aliases).union(*[c.aliases for c in self.children])
        self.own_risky = risky
        self.risky = risky or any(c.risky for c in self.children)
        self.own_loose = loose
        self.loose = (loose and any(c.risky for c in self.children)) or any(
            c.loose for c in self.children)

    def sql(self):
        if not self.children:
            return self.fmt
        return self.fmt.format(*[c.sql() for c in self.children])

    def with_children(self, children):
        return Node(self.type, self.fmt, children, ref=self.own_ref, agg=self.agg,
                    aliases=self.aliases if not self.children else frozenset(),
                    risky=self.own_risky, loose=self.own_loose)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def strict(self):
        return (bool(self.children) and not self.fmt.startswith(NONSTRICT)
                and " OVER (" not in self.fmt)

    def case_conditions(self):
        """The children PostgreSQL would use to prune CASE branches if they were constant."""
        if self.fmt.startswith("CASE WHEN"):
            return [c for i, c in enumerate(self.children) if i % 2 == 0 and i + 1 < len(
                self.children) or (i == 0)]
        if self.fmt.startswith("CASE {0}"):
            return [self.children[0]]
        return []


def effective_ref(node):
    """node.ref, except where PostgreSQL's planner folds the referencing part away: a COALESCE
    whose first argument is a non-null constant, a CASE whose conditions are all constant."""
    if node.own_ref:
        return True
    if node.fmt.startswith("COALESCE(") and not node.children[0].ref and not constant_null(
            node.children[0]):
        return False
    conds = node.case_conditions()
    if conds and not any(c.ref for c in conds):
        return False
    return any(effective_ref(c) for c in node.children)


def constant_null(node):
    """NULL once PostgreSQL's planner has folded it: a NULL literal, or a strict operation with
    such an operand (folded to NULL whatever its other operands are)."""
    if not node.children:
        return "NULL" in node.fmt
    if node.strict():
        return any(constant_null(c) for c in node.children)
    if node.fmt.startswith("COALESCE("):
        return all(constant_null(c) for c in node.children)
    values = [node.children[i] for i in ExprGen.VALUE_POSITIONS.get(node.fmt, ())]
    if node.fmt.startswith("CASE WHEN") and not any(c.ref for c in node.case_conditions()):
        # Constant conditions: PostgreSQL keeps one branch (or NULL when there is no ELSE).
        return "ELSE" not in node.fmt or any(constant_null(v) for v in values)
    if node.fmt.startswith("CASE {0}") and constant_null(node.children[1]):
        return constant_null(values[-1])          # WHEN NULL never matches: the ELSE
    return False


def avoided_form(node, flags):
    """Forms the generator avoids while a defect flag is on, which shrinking could recreate."""
    if (flags.F2_untyped_literal_in_aggregate and node.fmt in ("min({0})", "max({0})")
            and not node.children[0].children and node.children[0].fmt.startswith("'")):
        return True
    if (flags.F10_case_numeric_scale and node.type == "numeric"
            and node.fmt in ExprGen.VALUE_POSITIONS):
        return any(not node.children[i].fmt.startswith("CAST({0} AS numeric(38,4))")
                   for i in ExprGen.VALUE_POSITIONS[node.fmt])
    return False


def may_fold_false(node):
    """A condition PostgreSQL may fold to a constant, pruning the rows (and the evaluation of
    everything else) below it."""
    if not effective_ref(node):
        return True
    return node.fmt in ("({0} AND {1})", "({0} OR {1})") and any(
        may_fold_false(c) for c in node.children)


def fold_hazard(node):
    """True if PostgreSQL's planner could fold this node so that it skips evaluating an
    operand (a failing operand errs on Flern only), or evaluates a failing constant operation
    that no row reaches (errs on PostgreSQL only)."""
    if node.own_risky and not effective_ref(node):
        return True
    if node.strict() and any(constant_null(c) for c in node.children) and any(
            (c.risky or c.agg) and not constant_null(c) for c in node.children):
        return True
    # A constant CASE condition or COALESCE head prunes the other branches, and with them
    # aggregates that PostgreSQL would otherwise compute over every row.
    if any(not c.ref for c in node.case_conditions()):
        return any(n.agg and n.risky for c in node.children for n in c.walk())
    if node.fmt.startswith("COALESCE(") and not node.children[0].ref and not constant_null(
            node.children[0]):
        return any(n.agg and n.risky for c in node.children[1:] for n in c.walk())
    return False


def replace(root, target, new):
    if root is target:
        return new
    if not root.children:
        return root
    kids = [replace(c, target, new) for c in root.children]
    if all(a is b for a, b in zip(kids, root.children)):
        return root
    return root.with_children(kids)


def column_node(alias, col):
    # A subquery's column computed from constants is a constant for PostgreSQL's planner.
    return Node(col.kind, "%s.%s" % (alias, col.name), ref=not getattr(col, "constant", False),
                aliases=[alias])


def literal(rng, t, allow_null=True, flags=None):
    if allow_null and rng.random() < 0.06:
        return Node(t, "CAST(NULL AS %s)" % SQL_NAME[t])
    if t == "int4":
        v = rng.choice([0, 1, 2, 3, -1, 10, 100, -7, 1000000] + (
            [] if flags is not None and flags.F18_null_payload_overflow else [2147483647]) + (
            [] if flags is not None and flags.F16_int4_min_literal_type else [-2147483648]))
        return Node(t, "(%d)" % v if v < 0 else str(v))
    if t == "int8":
        big = [] if flags is not None and flags.F18_null_payload_overflow else [
            "3000000000", "9223372036854775807", "CAST('-9223372036854775808' AS bigint)"]
        return Node(t, rng.choice(["CAST(5 AS bigint)", "CAST(-1 AS bigint)",
                                   "CAST(0 AS bigint)", "CAST(100000 AS bigint)"] + big))
    if t == "numeric":
        return Node(t, rng.choice(["1.5", "0.01", "(-2.25)", "100.000", "0.0", "99999.99", "3",
                                   "CAST(7 AS numeric)", "0.333"]))
    if t == "float8":
        big = [] if flags is not None and flags.F12_float_overflow_unchecked else ["1e308"]
        return Node(t, "CAST('%s' AS double precision)" % rng.choice(
            ["1.5", "-0.5", "0", "1e-300", "2", "0.1", "-3.75", "1e10"] + big))
    if t == "text":
        pool = schema_gen.TEXT_EDGES + ["abc%", "x"]
        if flags is not None and flags.F7_varchar_literal_coercion:
            pool = [p for p in pool if len(p) <= 1]
        return Node(t, schema_gen.quote_text(rng.choice(pool)))
    if t == "date":
        first = "0010-01-01" if flags is not None and flags.F5_bc_date_output else "0001-01-01"
        return Node(t, "DATE '%s'" % rng.choice(["2000-01-01", "2020-02-29", "1970-01-01",
                                                 "9999-12-31", first, "2024-06-15"]))
    return Node(t, rng.choice(["TRUE", "FALSE"]))


LIKE_PATTERNS = ["a%", "%b%", "_", "%", "a_c", "", "%a", "abc", "A%", "%\\%%", "_%_", "% %",
                 "%c", "x%", "\\_%"]

AGG_RESULT = {  # (aggregate, argument type) -> result type, as in PostgreSQL
    ("sum", "int4"): "int8", ("sum", "int8"): "numeric", ("sum", "numeric"): "numeric",
    ("sum", "float8"): "float8", ("avg", "int4"): "numeric", ("avg", "int8"): "numeric",
    ("avg", "numeric"): "numeric", ("avg", "float8"): "float8",
}


class ExprGen:
    """columns: [(alias, Column)] visible to row expressions. In group mode (group_keys set),
    leaves are the GROUP BY keys, aggregates over row expressions, and literals."""

    def __init__(self, rng, flags, columns, group_keys=None, subqueries=None):
        self.rng = rng
        self.flags = flags
        self.columns = columns
        self.group_keys = group_keys
        self.subqueries = subqueries   # a callable (gen, type) -> Node or None, behind flags

    # ---- leaves
    def ref_leaf(self, t):
        """A leaf of type t that references data, or None."""
        if self.group_keys is not None:
            options = [k for k in self.group_keys if k.type == t]
            agg = self.aggregate(t)
            if agg is not None:
                options += [agg, agg]
            return self.rng.choice(options) if options else None
        options = [(a, c) for a, c in self.columns if c.kind == t]
        if not options:
            return None
        return column_node(*self.rng.choice(options))

    def leaf(self, t):
        if self.rng.random() < 0.75:
            node = self.ref_leaf(t)
            if node is not None:
                return node
        return literal(self.rng, t, flags=self.flags)

    def row_gen(self, depth):
        return ExprGen(self.rng, self.flags, self.columns, None, self.subqueries)

    def aggregate(self, t):
        rng = self.rng
        inner = self.row_gen(0)
        options = []
        if t == "int8":
            options.append(lambda: Node("int8", "count(*)", agg=True, ref=True))
            options.append(lambda: Node("int8", "count({0})",
                                        [self.agg_arg(inner, rng.choice(ALL_TYPES))], agg=True,
                                        ref=True))
        for (fn, arg), res in AGG_RESULT.items():
            if (fn, arg) == ("sum", "int8") and self.flags.F21_numeric_rescale_wrap:
                continue
            if res == t:
                # sum/avg can overflow (22003), so PostgreSQL's pruning (HAVING FALSE) matters.
                options.append(lambda fn=fn, arg=arg: Node(
                    t, fn + "({0})", [self.agg_arg(inner, arg)], agg=True, ref=True,
                    risky=fn in ("sum", "avg")))
        if t != "bool":
            options.append(lambda: Node(t, rng.choice(["min", "max"]) + "({0})",
                                        [self.typed(self.agg_arg(inner, t))], agg=True, ref=True))
        if t == "bool":
            options.append(lambda: Node(t, rng.choice(["bool_and", "bool_or", "every"]) + "({0})",
                                        [self.agg_arg(inner, t)], agg=True, ref=True))
        if t == "text":
            # ORDER BY the argument itself: equal keys are equal strings, so the result is
            # deterministic.
            options.append(lambda: Node(t, "string_agg({0}, ',' ORDER BY {0})",
                                        [self.typed(self.agg_arg(inner, t))], agg=True, ref=True))
        if t in ("numeric", "float8"):
            # Over plain columns, not bigint: the exact results of wide computed NUMERICs and of
            # bigints near 2^63 pass Flern's 35 NUMERIC digits (22003, see docs/sql.md).
            args = ["float8"] if t == "float8" else ["int4", "numeric"]
            column = inner.ref_leaf(rng.choice(args))
            if column is not None:
                fn = rng.choice(["variance", "var_samp", "var_pop", "stddev", "stddev_samp",
                                 "stddev_pop"])
                options.append(lambda: Node(t, fn + "({0})", [column], agg=True, ref=True))
        return rng.choice(options)() if options else None

    def agg_arg(self, inner, t):
        """An aggregate's argument; one that references a column while F19 is open."""
        arg = inner.gen(t, 2)
        if self.flags.F19_constant_aggregates_in_subquery and not arg.ref:
            arg = inner.ref_leaf(t) or arg
        return arg

    def typed(self, node):
        """An untyped string literal as an aggregate's argument, unless F2 is being avoided."""
        if (self.flags.F2_untyped_literal_in_aggregate and node.type == "text"
                and not node.children and node.fmt.startswith("'")):
            return Node("text", "CAST({0} AS text)", [node])
        return node

    # ---- guarded building blocks
    def risky(self, t, fmt, children):
        """An operation that can fail: keep it only if some operand references data."""
        if any(c.ref for c in children):
            return Node(t, fmt, children, risky=True)
        node = self.ref_leaf(t)
        return node if node is not None else literal(self.rng, t, flags=self.flags)

    def gen(self, t, depth):
        if depth <= 0 or self.rng.random() < 0.25:
            return self.leaf(t)
        if self.subqueries is not None and self.rng.random() < 0.12:
            node = self.subqueries(self, t)
            if node is not None:
                return node
        maker = getattr(self, "gen_" + t)
        node = maker(depth - 1)
        return self.leaf(t) if fold_hazard(node) else node

    def promotable(self, t, depth):
        """An expression whose type PostgreSQL promotes to t (int4 for int8, ...)."""
        if t in RANK:
            return self.gen(self.rng.choice([x for x in NUMS if RANK[x] <= RANK[t]]), depth)
        return self.gen(t, depth)

    def branch(self, node):
        """A CASE / COALESCE value; with F10 open, numerics get one scale."""
        if node.type in RANK and self.flags.F10_case_numeric_scale:
            # Constant values here are small literals: only data can overflow numeric(38,4).
            return Node("numeric", "CAST({0} AS numeric(38,4))", [node],
                        risky=effective_ref(node))
        return node

    VALUE_POSITIONS = {"CASE WHEN {0} THEN {1} ELSE {2} END": (1, 2),
                       "CASE WHEN {0} THEN {1} WHEN {2} THEN {3} END": (1, 3),
                       "CASE {0} WHEN {1} THEN {2} ELSE {3} END": (2, 3),
                       "COALESCE({0}, {1})": (0, 1), "NULLIF({0}, {1})": ()}

    def common(self, t, depth):
        """CASE / COALESCE forms shared by every type."""
        node = self.common_form(t, depth)
        if t == "numeric" and self.flags.F10_case_numeric_scale:
            values = self.VALUE_POSITIONS[node.fmt]
            node = node.with_children([self.branch(c) if i in values else c
                                       for i, c in enumerate(node.children)])
        return node

    def common_form(self, t, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return Node(t, "CASE WHEN {0} THEN {1} ELSE {2} END",
                        [self.gen("bool", depth), self.gen(t, depth), self.promotable(t, depth)])
        if r < 0.55:
            return Node(t, "CASE WHEN {0} THEN {1} WHEN {2} THEN {3} END",
                        [self.gen("bool", depth), self.gen(t, depth), self.gen("bool", depth),
                         self.promotable(t, depth)])
        if r < 0.7:
            k = rng.choice(ALL_TYPES) if rng.random() < 0.5 else t
            if k in RANK:
                k = "int4" if k != "float8" else k
            return Node(t, "CASE {0} WHEN {1} THEN {2} ELSE {3} END",
                        [self.gen(k, depth), self.gen(k, depth), self.gen(t, depth),
                         self.gen(t, depth)])
        if r < 0.85 and self.flags.nullif:
            return Node(t, "NULLIF({0}, {1})", [self.gen(t, depth), self.gen(t, depth)])
        return Node(t, "COALESCE({0}, {1})", [self.gen(t, depth), self.promotable(t, depth)])

    def arith(self, t, depth):
        rng = self.rng
        ops = ["+", "-"] + (["%"] if t != "float8" else [])
        if not (t == "numeric" and self.flags.F14_numeric_division_overflow):
            ops.append("/")
        if not (t == "numeric" and self.flags.F15_numeric_multiplication_wrap):
            ops.append("*")
        a = self.promotable(t, depth)
        b = self.gen(t, depth) if a.type != t else self.promotable(t, depth)
        if rng.random() < 0.5:
            a, b = b, a
        return self.risky(t, "({0} %s {1})" % rng.choice(ops), [a, b])

    def cast_to(self, t, depth):
        rng = self.rng
        sources = {"int4": ["int8", "numeric", "float8", "bool"], "int8": ["int4", "numeric",
                   "float8"], "numeric": ["int4", "int8", "float8"], "float8": ["int4", "int8",
                   "numeric"], "text": ALL_TYPES, "date": [], "bool": ["int4"]}[t]
        if (self.flags.text_to_number_casts and t != "text"
                and not (t == "float8" and self.flags.F20_float_input_whitespace)):
            sources = sources + ["text"]
        if not sources:
            return self.common(t, depth)
        if t == "numeric" and self.flags.F13_float_to_numeric_cast:
            sources = [x for x in sources if x != "float8"]
        if t == "bool" and self.flags.F23_case_null_bool_cast:
            sources = [x for x in sources if x != "int4"]
        src = self.gen(rng.choice(sources), depth)
        target = SQL_NAME[t]
        if t == "numeric" and rng.random() < 0.5:
            p = rng.choice([30, 38] if self.flags.F18_null_payload_overflow else [3, 5, 10, 20])
            target = "numeric(%d,%d)" % (p, rng.randint(0, min(p, 4)))
        if t == "text" and rng.random() < 0.4:
            target = "varchar(%d)" % rng.choice([1, 2, 5])
        fmt = rng.choice(["CAST({0} AS %s)", "({0})::%s"]) % target
        return self.risky(t, fmt, [src])

    # ---- one production list per type
    def gen_int4(self, depth):
        r = self.rng.random()
        if r < 0.35:
            return self.arith("int4", depth)
        if r < 0.42:
            return self.risky("int4", self.rng.choice(["(- {0})", "abs({0})"]),
                              [self.gen("int4", depth)])
        if r < 0.5:
            return Node("int4", "length({0})", [self.gen("text", depth)])
        if r < 0.56:
            return self.risky("int4", "({0} - {1})", [self.gen("date", depth),
                                                     self.gen("date", depth)])
        if r < 0.7 and self.flags.casts:
            return self.cast_to("int4", depth)
        return self.common("int4", depth)

    def gen_int8(self, depth):
        r = self.rng.random()
        if r < 0.4:
            return self.arith("int8", depth)
        if r < 0.48:
            return self.risky("int8", self.rng.choice(["(- {0})", "abs({0})"]),
                              [self.gen("int8", depth)])
        if r < 0.65 and self.flags.casts:
            return self.cast_to("int8", depth)
        return self.common("int8", depth)

    def gen_numeric(self, depth):
        r = self.rng.random()
        if r < 0.4:
            return self.arith("numeric", depth)
        forms = [f for f, flag in (("(- {0})", "F1_numeric_negation_crash"),
                                   ("abs({0})", "F3_abs_numeric_missing"))
                 if not self.flags.on(flag)]
        if r < 0.48 and forms:
            return self.risky("numeric", self.rng.choice(forms), [self.gen("numeric", depth)])
        if r < 0.65 and self.flags.casts:
            return self.cast_to("numeric", depth)
        return self.common("numeric", depth)

    def gen_float8(self, depth):
        r = self.rng.random()
        if r < 0.4:
            return self.arith("float8", depth)
        if r < 0.48:
            return self.risky("float8", self.rng.choice(["(- {0})", "abs({0})"]),
                              [self.gen("float8", depth)])
        if r < 0.65 and self.flags.casts:
            return self.cast_to("float8", depth)
        return self.common("float8", depth)

    def gen_text(self, depth):
        r = self.rng.random()
        if r < 0.25:
            return Node("text", "({0} || {1})", [self.gen("text", depth), self.gen("text", depth)])
        if r < 0.3:
            # text || any other type: the other side is converted with its output function.
            pair = [self.gen("text", depth), self.gen(self.rng.choice(ALL_TYPES), depth)]
            self.rng.shuffle(pair)
            if pair[0].type != "text" and pair[1].type != "text":
                pair[0] = self.gen("text", depth)
            return Node("text", "({0} || {1})", pair)
        if r < 0.45:
            return Node("text", self.rng.choice(["upper({0})", "lower({0})"]),
                        [self.gen("text", depth)])
        if r < 0.65 and self.flags.casts:
            return self.cast_to("text", depth)
        return self.common("text", depth)

    def gen_date(self, depth):
        r = self.rng.random()
        if r < 0.45:
            days = self.gen("int4", depth)
            if self.flags.F5_bc_date_output or self.flags.F6_date_arith_range:
                days = Node("int4", "({0} % 1000)", [days])
            return self.risky("date", "({0} %s {1})" % self.rng.choice(["+", "-"]),
                              [self.gen("date", depth), days])
        if (r < 0.55 and self.flags.casts and self.flags.text_to_number_casts
                and not self.flags.F11_date_input_sqlstate):
            return self.risky("date", "CAST({0} AS date)", [self.gen("text", depth)])
        return self.common("date", depth)

    def comparable_pair(self, depth):
        t = self.rng.choice(ALL_TYPES)
        if t in RANK:
            return self.gen(t, depth), self.gen(self.rng.choice(NUMS), depth)
        return self.gen(t, depth), self.gen(t, depth)

    def gen_bool(self, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            a, b = self.comparable_pair(depth)
            return Node("bool", "({0} %s {1})" % rng.choice(["=", "<>", "<", "<=", ">", ">="]),
                        [a, b])
        if r < 0.45:
            return Node("bool", "({0} %s {1})" % rng.choice(["AND", "OR"]),
                        [self.gen("bool", depth), self.gen("bool", depth)], loose=True)
        if r < 0.52:
            return Node("bool", "(NOT {0})", [self.gen("bool", depth)])
        if r < 0.6:
            return Node("bool", "({0} IS %sNULL)" % rng.choice(["", "NOT "]),
                        [self.gen(rng.choice(ALL_TYPES), depth)])
        if r < 0.67:
            a, b = self.comparable_pair(depth)
            c = self.gen(b.type, depth)
            return Node("bool", "({0} %sBETWEEN {1} AND {2})" % rng.choice(["", "NOT "]),
                        [a, b, c], loose=True)
        if r < 0.75:
            a, b = self.comparable_pair(depth)
            items = [b] + [self.gen(b.type, depth) for _ in range(rng.randint(0, 3))]
            fmt = "({0} %sIN (%s))" % (rng.choice(["", "NOT "]),
                                       ", ".join("{%d}" % (i + 1) for i in range(len(items))))
            return Node("bool", fmt, [a] + items, loose=True)
        if r < 0.83 and self.flags.like:
            pattern = (Node("text", schema_gen.quote_text(rng.choice(LIKE_PATTERNS)))
                       if rng.random() < 0.8 else self.gen("text", depth))
            return Node("bool", "({0} %sLIKE {1})" % rng.choice(["", "NOT "]),
                        [self.gen("text", depth), pattern])
        if r < 0.88 and self.flags.casts:
            return self.cast_to("bool", depth)
        if r < 0.92 and self.flags.is_distinct_from:
            a, b = self.comparable_pair(depth)
            return Node("bool", "({0} IS %sDISTINCT FROM {1})" % rng.choice(["", "NOT "]),
                        [a, b])
        return self.common("bool", depth)

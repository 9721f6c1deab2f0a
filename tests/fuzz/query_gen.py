"""Random SELECT statements over a schema_gen.Schema: FROM lists (comma and JOIN ON), WHERE,
GROUP BY / HAVING, DISTINCT, ORDER BY + LIMIT/OFFSET, and (behind feature flags) outer joins,
subqueries, set operations, window functions and CTEs. A Query keeps its parts as expr_gen
Nodes so that the shrinker can drop or simplify them."""
import copy

import expr_gen
from expr_gen import ALL_TYPES, NUMS, ExprGen, Node
from schema_gen import Column


class FromItem:
    def __init__(self, source, alias, columns, join="first", on=None, subquery=None):
        self.source = source      # a table or CTE name (None for a subquery)
        self.subquery = subquery  # Query of a subquery in FROM
        self.alias = alias
        self.columns = columns    # [Column]
        self.join = join          # first, comma, inner, left, right, full
        self.on = on              # Node for JOIN ... ON
        self.risky = False        # a subquery whose expressions can raise a data exception


class Query:
    def __init__(self):
        self.ctes = []            # [(name, Query)]
        self.from_items = []
        self.where = None
        self.group_by = None      # None: no aggregation; a list (maybe empty) of Nodes
        self.grouping = None      # None, "ROLLUP", "CUBE" or "GROUPING SETS" over group_by
        self.having = None
        self.select = []
        self.distinct = False
        self.order = []           # [(position, "ASC"/"DESC", "NULLS FIRST"/"NULLS LAST"/"")]
        self.limit = None
        self.offset = None
        self.set_op = None        # (operator, Query)
        self.windowed = False
        self.order_by_name = False  # ORDER BY r0 rather than ORDER BY 1

    def copy(self):
        return copy.copy(self)

    def ordered(self):
        """True when ORDER BY fixes the order of the whole result (every output column is a
        key, so rows that tie are identical)."""
        return bool(self.order) and {p for p, _, _ in self.order if isinstance(p, int)} >= set(
            range(1, len(self.select) + 1)) and self.set_op is None

    def error_order_matters(self, both_failed):
        """Whether evaluation order can decide which data exception (if any) is raised: a
        failing operation in a filter (see filters_can_fail), or, when both sides failed, two
        operations that can fail (rows come in an order of the engine's choosing)."""
        if self.filters_can_fail():
            return True
        exprs = self.computed()
        if self.set_op is not None:
            exprs = exprs + self.set_op[1].select
        return both_failed and sum(n.own_risky for e in exprs for n in e.walk()) >= 2

    def order_key_sql(self, p):
        if not isinstance(p, int):
            return p.sql()
        return "r%d" % (p - 1) if self.order_by_name else str(p)

    def subqueries(self):
        """(getter, setter) pairs for the queries nested in this one, for the shrinker."""
        subs = []
        for i, item in enumerate(self.from_items):
            if item.subquery is not None:
                subs.append((lambda q, i=i: q.from_items[i].subquery,
                             lambda q, v, i=i: _set_subquery(q, i, v)))
        for i in range(len(self.ctes)):
            subs.append((lambda q, i=i: q.ctes[i][1], lambda q, v, i=i: _set_cte(q, i, v)))
        if self.set_op is not None:
            subs.append((lambda q: q.set_op[1], lambda q, v: setattr(q, "set_op",
                                                                   (q.set_op[0], v))))
        return subs

    def all_nodes(self):
        for get, _ in self.expression_slots():
            yield from get(self).walk()
        for get, _ in self.subqueries():
            yield from get(self).all_nodes()

    def computed(self):
        """The expressions computed for the rows that pass the filters."""
        return self.select + list(self.group_by or []) + [
            p for p, _, _ in self.order if not isinstance(p, int)]

    def filters_can_fail(self):
        """True when an operation that can raise a data exception sits where evaluation order
        is the planner's choice: WHERE, ON, HAVING, subqueries in FROM or in expressions."""
        nodes = [n for n in [self.where, self.having] + [it.on for it in self.from_items]
                 if n is not None]
        if any(n.risky for n in nodes):
            return True
        # A condition PostgreSQL folds to FALSE prunes the evaluation of everything else, and
        # LIMIT 0 never asks for a row.
        if (any(expr_gen.may_fold_false(n) for n in nodes) or self.limit == 0) and any(
                e.risky for e in self.computed()):
            return True
        if any(it.risky for it in self.from_items):
            return True
        if any(e.loose for e in self.select + list(self.group_by or [])):
            return True
        # Subqueries in expressions: PostgreSQL runs them lazily, an engine that unnests them
        # may compute them for rows (or under COALESCE arguments) PostgreSQL never reaches.
        if any(n.risky and "SELECT" in n.fmt for e in self.computed() for n in e.walk()):
            return True
        return self.set_op is not None and (self.set_op[1].filters_can_fail() or any(
            e.risky for e in self.set_op[1].select))

    def from_sql(self):
        parts = []
        for item in self.from_items:
            source = "(%s)" % item.subquery.sql() if item.subquery is not None else item.source
            ref = "%s AS %s" % (source, item.alias)
            if item.source is not None and item.source.startswith("generate_series("):
                ref += "(%s)" % item.columns[0].name
            if item.join == "first":
                parts.append(ref)
            elif item.join == "comma":
                parts.append(", " + ref)
            else:
                kind = {"inner": "JOIN", "left": "LEFT JOIN", "right": "RIGHT JOIN",
                        "full": "FULL JOIN"}[item.join]
                parts.append(" %s %s ON %s" % (kind, ref, item.on.sql()))
        return "".join(parts)

    def core_sql(self):
        sql = "SELECT %s%s FROM %s" % (
            "DISTINCT " if self.distinct else "",
            ", ".join("%s AS r%d" % (e.sql(), i) for i, e in enumerate(self.select)),
            self.from_sql())
        if self.where is not None:
            sql += " WHERE " + self.where.sql()
        if self.group_by:
            keys = [k.sql() for k in self.group_by]
            if self.grouping == "GROUPING SETS":  # each key alone, and the grand total
                sql += " GROUP BY GROUPING SETS (%s, ())" % ", ".join("(%s)" % k for k in keys)
            elif self.grouping:
                sql += " GROUP BY %s (%s)" % (self.grouping, ", ".join(keys))
            else:
                sql += " GROUP BY " + ", ".join(keys)
        if self.having is not None:
            sql += " HAVING " + self.having.sql()
        return sql

    def sql(self):
        sql = ""
        if self.ctes:
            sql = "WITH " + ", ".join("%s AS (%s)" % (name, q.sql()) for name, q in self.ctes) + " "
        sql += self.core_sql()
        if self.set_op is not None:
            return sql + " %s %s" % (self.set_op[0], self.set_op[1].core_sql())
        if self.order:
            sql += " ORDER BY " + ", ".join(
                " ".join(x for x in (self.order_key_sql(p), d, n) if x)
                for p, d, n in self.order)
        if self.limit is not None:
            sql += " LIMIT %d" % self.limit
        if self.offset is not None:
            sql += " OFFSET %d" % self.offset
        return sql

    def expression_slots(self):
        """(getter, setter) pairs for every expression of the query, for the shrinker."""
        slots = []
        def attr(name):
            slots.append((lambda q: getattr(q, name), lambda q, v: setattr(q, name, v)))
        for name in ("where", "having"):
            if getattr(self, name) is not None:
                attr(name)
        for lst in ("select", "group_by"):
            for i in range(len(getattr(self, lst) or [])):
                slots.append((lambda q, lst=lst, i=i: getattr(q, lst)[i],
                              lambda q, v, lst=lst, i=i: _set_item(q, lst, i, v)))
        for i, (p, _, _) in enumerate(self.order):
            if not isinstance(p, int):
                slots.append((lambda q, i=i: q.order[i][0],
                              lambda q, v, i=i: _set_order_key(q, i, v)))
        for i, item in enumerate(self.from_items):
            if item.on is not None:
                slots.append((lambda q, i=i: q.from_items[i].on,
                              lambda q, v, i=i: _set_on(q, i, v)))
        return slots


def _set_item(q, lst, i, v):
    items = list(getattr(q, lst))
    items[i] = v
    setattr(q, lst, items)


def _set_subquery(q, i, v):
    items = list(q.from_items)
    item = copy.copy(items[i])
    item.subquery = v
    items[i] = item
    q.from_items = items


def _set_cte(q, i, v):
    ctes = list(q.ctes)
    ctes[i] = (ctes[i][0], v)
    q.ctes = ctes


def _set_order_key(q, i, v):
    order = list(q.order)
    order[i] = (v,) + tuple(order[i][1:])
    q.order = order


def _set_on(q, i, v):
    items = list(q.from_items)
    item = copy.copy(items[i])
    item.on = v
    items[i] = item
    q.from_items = items


class QueryGen:
    def __init__(self, rng, flags, schema):
        self.rng = rng
        self.flags = flags
        self.schema = schema
        self.alias_count = 0
        self.big_used = False

    def pick_table(self):
        """A random table; a big one at most once per statement (no big x big products)."""
        tables = [t for t in self.schema.tables if not (t.big and self.big_used)]
        t = self.rng.choice(tables)
        self.big_used = self.big_used or t.big
        return t

    def alias(self, prefix):
        self.alias_count += 1
        return "%s%d" % (prefix, self.alias_count)

    def visible(self, items):
        return [(it.alias, c) for it in items for c in it.columns]

    # ---- FROM
    def subquery_columns(self, inner, item):
        """Columns of a subquery in FROM; literal columns typed with a CAST while F9 is open."""
        if self.flags.F9_unknown_literal_in_subquery:
            inner.select = [Node(e.type, "CAST({0} AS %s)" % expr_gen.SQL_NAME[e.type], [e])
                            if not e.children and not e.ref else e for e in inner.select]
        cols = []
        for i, e in enumerate(inner.select):
            col = Column("r%d" % i, "", e.type)
            col.constant = not e.ref
            cols.append(col)
        item.columns = cols
        item.risky = inner.filters_can_fail() or any(e.risky for e in inner.computed())
        return item

    def table_item(self, query, depth):
        rng = self.rng
        if depth > 0 and self.flags.derived_tables and rng.random() < 0.1:
            inner = self.query(depth - 1, simple=True)
            item = FromItem(None, self.alias("d"), [])
            self.subquery_columns(inner, item)
            item.subquery = inner
            return item
        if self.flags.cte_reuse and query.ctes and rng.random() < 0.3:
            name, inner = rng.choice(query.ctes)
            return self.subquery_columns(inner, FromItem(name, self.alias("a"), []))
        if depth > 0 and self.flags.ctes and rng.random() < 0.15 and len(query.ctes) < 2:
            inner = self.query(depth - 1, simple=True)
            name = self.alias("w")
            item = self.subquery_columns(inner, FromItem(name, self.alias("a"), []))
            query.ctes.append((name, inner))
            return item
        if self.flags.generate_series and rng.random() < 0.08:
            lo = rng.choice([-3, 0, 1, 5, 2147483645])
            hi = min(lo + rng.choice([-1, 0, 1, 4, 10, 30]), 2 ** 31 - 1)   # an int4 series
            return FromItem("generate_series(%d, %d)" % (lo, hi), self.alias("g"),
                            [Column("x", "integer", "int4")])
        t = self.pick_table()
        return FromItem(t.name, self.alias("a"), t.columns)

    def equality(self, left_items, item):
        """a.x = b.y between the new item and an earlier one, over columns of one family."""
        rng = self.rng
        pairs = [(a, c, d) for a, c in self.visible(left_items) for d in item.columns
                 if (c.kind in NUMS) == (d.kind in NUMS) and (c.kind in NUMS or c.kind == d.kind)]
        if not pairs:
            return None
        a, c, d = rng.choice(pairs)
        return Node("bool", "({0} = {1})", [expr_gen.column_node(a, c),
                                            expr_gen.column_node(item.alias, d)])

    def from_clause(self, query, depth):
        rng = self.rng
        count = 1
        if self.flags.joins:
            count = rng.choice([1, 1, 2, 2, 2, 3])
        items = [self.table_item(query, depth)]
        comma_conds = []
        for _ in range(count - 1):
            item = self.table_item(query, depth)
            # JOIN binds tighter than a comma: ON sees only the chain since the last comma.
            chain_start = max(i for i, it in enumerate(items) if it.join in ("first", "comma"))
            chain = items[chain_start:]
            eq_any = self.equality(items, item)
            eq = self.equality(chain, item)
            kinds = ["comma", "inner"]
            if self.flags.outer_joins:
                kinds += ["left", "right"] + (["full"] if eq is not None else [])
            item.join = rng.choice(kinds)
            if item.join == "comma":
                if eq_any is not None and rng.random() < 0.8:
                    comma_conds.append(eq_any)
            elif item.join == "full":
                item.on = eq        # PostgreSQL needs a hash- or merge-joinable condition
            else:
                gen = ExprGen(rng, self.flags, self.visible(chain + [item]))
                on = eq if eq is not None and rng.random() < 0.7 else gen.gen("bool", 2)
                if rng.random() < 0.3:
                    on = Node("bool", "({0} AND {1})", [on, gen.gen("bool", 2)])
                item.on = on
            items.append(item)
        query.from_items = items
        return comma_conds

    # ---- subqueries inside expressions
    def subquery_factory(self, depth):
        flags = self.flags
        if depth <= 0 or not (flags.scalar_subqueries or flags.exists_subqueries
                              or flags.in_subqueries):
            return None

        def make(outer, t):
            rng = self.rng
            table = self.pick_table()
            item = FromItem(table.name, self.alias("s"), table.columns)
            own = self.visible([item])
            cols = own
            if flags.correlated_subqueries and outer.group_keys is None and rng.random() < 0.5:
                cols = cols + outer.columns
            inner = ExprGen(rng, flags, cols)
            where, risky = "", False
            if rng.random() < 0.7:
                cond = inner.gen("bool", 2)
                where, risky = " WHERE " + cond.sql(), cond.risky
            src = "FROM %s AS %s%s" % (table.name, item.alias, where)
            if t != "bool" and flags.scalar_subqueries:
                # Over the subquery's own columns: an aggregate of outer columns only would
                # belong to the outer query.
                agg = ExprGen(rng, flags, own, group_keys=[]).aggregate(t)
                if agg is None:
                    return None
                return Node(t, "(SELECT %s %s)" % (agg.sql(), src), ref=True,
                            risky=risky or agg.risky)
            if t != "bool":
                return None
            if flags.in_subqueries and rng.random() < 0.5:
                k = rng.choice(ALL_TYPES)
                col = inner.gen(k, 1)
                left = outer
                if flags.F24_subquery_left_of_in_subquery:
                    left = ExprGen(rng, flags, outer.columns, outer.group_keys)
                return Node("bool", "({0} %sIN (SELECT %s %s))" % (
                    rng.choice(["", "NOT "]), col.sql(), src), [left.gen(k, 1)], ref=True,
                    risky=risky or col.risky)
            if flags.exists_subqueries:
                return Node("bool", "(%sEXISTS (SELECT 1 %s))" % (rng.choice(["", "NOT "]), src),
                            ref=True, risky=risky)
            return None
        return make

    # ---- the whole query
    def select_list(self, gen, types=None):
        rng = self.rng
        types = types or [rng.choice(ALL_TYPES) for _ in range(rng.randint(1, 4))]
        return [gen.gen(t, rng.randint(0, 3)) for t in types]

    def query(self, depth=1, simple=False, types=None):
        rng = self.rng
        q = Query()
        comma_conds = self.from_clause(q, depth)
        cols = self.visible(q.from_items)
        subq = None if simple else self.subquery_factory(depth)
        row = ExprGen(rng, self.flags, cols, subqueries=subq)
        where = [row.gen("bool", rng.randint(1, 4))] if rng.random() < 0.7 else []
        where = comma_conds + where
        if where:
            q.where = where[0]
            for w in where[1:]:
                q.where = Node("bool", "({0} AND {1})", [q.where, w])
        if self.flags.aggregates and rng.random() < 0.3:
            # Keys reference columns: a literal integer key would be an output position. No
            # subqueries in keys: PostgreSQL does not match them as grouped expressions.
            plain = ExprGen(rng, self.flags, cols)
            q.group_by = [k for k in (plain.gen(rng.choice(ALL_TYPES), rng.choice([0, 0, 1, 2]))
                                      for _ in range(rng.choice([0, 1, 1, 2]))) if k.ref]
            if self.flags.grouping_sets and q.group_by and rng.random() < 0.3:
                q.grouping = rng.choice(["ROLLUP", "CUBE", "GROUPING SETS"])
            group = ExprGen(rng, self.flags, cols, group_keys=q.group_by)
            q.select = self.select_list(group, types)
            if rng.random() < 0.4:
                q.having = group.gen("bool", 2)
        else:
            q.select = self.select_list(row, types)
            if self.flags.window_functions and not simple and rng.random() < 0.3:
                q.select.append(self.window(row))
                q.windowed = True
        if self.flags.distinct and rng.random() < 0.15:
            q.distinct = True
        if simple or types is not None:
            return q
        if self.flags.set_operations and rng.random() < 0.2:
            other = self.query(depth, simple=True, types=[e.type for e in q.select])
            q.ctes = q.ctes + other.ctes      # WITH belongs to the whole set operation
            other.ctes = []
            q.set_op = (rng.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT", "INTERSECT ALL",
                                    "EXCEPT ALL"]), other)
            return q
        if self.flags.order_limit and rng.random() < 0.35:
            positions = list(range(1, len(q.select) + 1))
            rng.shuffle(positions)
            if rng.random() < 0.25:
                positions = positions[:rng.randint(1, len(positions))]
            if q.group_by is None and not q.distinct and rng.random() < 0.3:
                # A key that is not an output column, sorted on before the outputs. A constant
                # key is an error in PostgreSQL (42601), which Flern misses while F17 is open.
                key = row.gen(rng.choice(ALL_TYPES), rng.randint(0, 2))
                if key.ref or not self.flags.F17_order_by_constant_accepted:
                    positions.insert(0, key)
            q.order_by_name = rng.random() < 0.25
            q.order = [(p, rng.choice(["", "ASC", "DESC"]),
                        rng.choice(["", "", "NULLS FIRST", "NULLS LAST"])) for p in positions]
            if q.ordered() and rng.random() < 0.6:
                q.limit = rng.choice([0, 1, 2, 3, 5, 10])
                if rng.random() < 0.5:
                    q.offset = rng.choice([0, 1, 2, 4])
        return q

    def window(self, row):
        rng = self.rng
        part = row.gen(rng.choice(ALL_TYPES), 1)
        key = row.gen(rng.choice(["int4", "text", "date", "numeric"]), 1)
        r = rng.random()
        if r < 0.3:
            return Node("int8", "count(*) OVER (PARTITION BY {0})", [part], ref=True)
        if r < 0.5:
            return Node("int8", "%s() OVER (PARTITION BY {0} ORDER BY {1})"
                        % rng.choice(["rank", "dense_rank"]), [part, key], ref=True)
        if r < 0.6:
            # Deterministic whatever the order of peers: the values depend on peer groups only.
            return Node("float8", "%s() OVER (PARTITION BY {0} ORDER BY {1} %s)"
                        % (rng.choice(["percent_rank", "cume_dist"]),
                           rng.choice(["ASC", "DESC", "DESC NULLS LAST", "NULLS FIRST"])),
                        [part, key], ref=True)
        if r < 0.75:
            typ = rng.choice(["int4", "int8", "numeric", "text", "date"])
            fn = rng.choice(["min", "max"])
            frame = rng.choice(["", " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
                                " RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"])
            return Node(typ, fn + "({0}) OVER (PARTITION BY {1} ORDER BY {2}%s)" % frame,
                        [row.gen(typ, 1), part, key], ref=True)
        arg = rng.choice(["int4", "int8", "numeric"])
        fn = rng.choice(["sum", "avg"])
        return Node(expr_gen.AGG_RESULT[(fn, arg)],
                    fn + "({0}) OVER (PARTITION BY {1} ORDER BY {2})",
                    [row.gen(arg, 1), part, key], ref=True)

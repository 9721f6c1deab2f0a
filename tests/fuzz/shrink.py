"""Automatic reduction of a failing case: drop tables and rows, drop query clauses, replace
expression nodes by a same-typed child or a literal, as long as the failure stays the same."""
import time

import expr_gen
from expr_gen import Node

SIMPLE_LITERALS = {"int4": ["1", "0"], "int8": ["CAST(1 AS bigint)"], "numeric": ["1.5"],
                   "float8": ["CAST('1' AS double precision)"], "text": ["'a'"],
                   "date": ["DATE '2000-01-01'"], "bool": ["TRUE", "FALSE"]}


def valid(query, flags):
    """Shrinking must not create forms the generator avoids (expr_gen.fold_hazard, and the
    forms of open defects)."""
    return not any(expr_gen.fold_hazard(n) or expr_gen.avoided_form(n, flags)
                   for n in query.all_nodes())


class Shrinker:
    """still_fails(tables, query) -> bool reruns a candidate on both servers."""

    def __init__(self, still_fails, budget_seconds, flags):
        self.still_fails = still_fails
        self.flags = flags
        self.deadline = time.time() + budget_seconds
        self.attempts = 0

    def out_of_time(self):
        return time.time() > self.deadline

    def attempt(self, tables, query):
        if self.out_of_time():
            return False
        self.attempts += 1
        try:
            return self.still_fails(tables, query)
        except Exception:
            return False

    def shrink(self, tables, query):
        sql = query.sql()
        used = [t for t in tables if (" %s " % t.name) in (sql + " ") or
                ("%s AS" % t.name) in sql]
        if used != tables and self.attempt(used, query):
            tables = used
        progress = True
        while progress and not self.out_of_time():
            progress = False
            new_query = self.shrink_query(tables, query)
            if new_query is not query:
                query, progress = new_query, True
            new_tables = self.shrink_rows(tables, query)
            if new_tables is not tables:
                tables, progress = new_tables, True
        return tables, query

    # ---- rows: delta debugging per table
    def shrink_rows(self, tables, query):
        for ti, table in enumerate(tables):
            rows = table.rows
            chunk = max(1, len(rows) // 2)
            while rows and chunk >= 1 and not self.out_of_time():
                reduced = False
                for start in range(0, len(rows), chunk):
                    candidate = rows[:start] + rows[start + chunk:]
                    trial = list(tables)
                    trial[ti] = table.with_rows(candidate)
                    if self.attempt(trial, query):
                        rows, tables, reduced = candidate, trial, True
                        break
                if not reduced:
                    if chunk == 1:
                        break
                    chunk = max(1, chunk // 2)
            table = tables[ti]
        return tables

    # ---- query clauses and expressions
    def candidates(self, q):
        def variant(**changes):
            c = q.copy()
            for k, v in changes.items():
                setattr(c, k, v)
            return c
        if q.set_op is not None:
            yield variant(set_op=None)
        if q.limit is not None or q.offset is not None:
            yield variant(limit=None, offset=None)
        if q.order:
            yield variant(order=[], limit=None, offset=None)
        if q.distinct:
            yield variant(distinct=False)
        if q.having is not None:
            yield variant(having=None)
        if q.where is not None:
            yield variant(where=None)
        for i in range(1, len(q.from_items)):
            items = q.from_items[:i] + q.from_items[i + 1:]
            yield variant(from_items=items)
        if q.group_by:
            for i in range(len(q.group_by)):
                yield variant(group_by=q.group_by[:i] + q.group_by[i + 1:])
        if len(q.select) > 1:
            for i in range(len(q.select)):
                order = [(p if not isinstance(p, int) or p <= i else p - 1, d, n)
                         for p, d, n in q.order if p != i + 1]
                yield variant(select=q.select[:i] + q.select[i + 1:], order=order)
        for get, put in q.subqueries():
            for inner in self.candidates(get(q)):
                c = q.copy()
                put(c, inner)
                yield c
        for get, put in q.expression_slots():
            root = get(q)
            for node in list(root.walk()):
                for repl in self.replacements(node):
                    c = q.copy()
                    put(c, expr_gen.replace(root, node, repl))
                    yield c

    def replacements(self, node):
        for child in node.children:
            if child.type == node.type:
                yield child
        if node.children or not node.ref:
            if node.fmt not in SIMPLE_LITERALS[node.type]:
                for lit in SIMPLE_LITERALS[node.type]:
                    yield Node(node.type, lit)

    def shrink_query(self, tables, query):
        improved = True
        while improved and not self.out_of_time():
            improved = False
            for cand in self.candidates(query):
                if self.out_of_time():
                    break
                if (len(cand.sql()) < len(query.sql()) and valid(cand, self.flags)
                        and self.attempt(tables, cand)):
                    query, improved = cand, True
                    break
        return query

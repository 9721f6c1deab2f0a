"""The one registry of the differential fuzzer's switches.

FEATURES are SQL forms the engine does not support yet: they start OFF and the lead switches
them on (here, or with --enable NAME) as the engine gains them.

DEFECTS are workarounds for known, recorded engine defects (each flag is named after its entry
in the fuzzer's findings list, which has the minimized repro): while a defect flag is ON the
generator avoids the form that triggers it, so that the CI run stays green without hiding the
defect silently. Switch a flag OFF (or run with --disable NAME) once the defect is fixed; every flag
here names the finding it belongs to.
"""

FEATURES = {
    # Features the engine gained in issue 8 (on), and gaps that are a clean 0A000 (off).
    "outer_joins": True,          # LEFT / RIGHT / FULL JOIN
    "scalar_subqueries": True,    # (SELECT agg FROM t WHERE ...) in expressions
    "exists_subqueries": True,    # [NOT] EXISTS (SELECT ...), possibly correlated
    "in_subqueries": True,        # x [NOT] IN (SELECT ...)
    "correlated_subqueries": True,  # subqueries that reference the outer query's columns
    "set_operations": True,       # UNION [ALL] / INTERSECT / EXCEPT
    "window_functions": True,      # row_number / rank / sum(...) OVER (...)
    "ctes": True,                 # WITH name AS (...) SELECT ...
    "cte_reuse": True,            # a WITH entry read twice (computed once instead of inlined)
    "is_distinct_from": True,     # a IS [NOT] DISTINCT FROM b
    "nullif": True,               # NULLIF(a, b)
    # Supported forms that can be switched off while chasing something else.
    "joins": True,                 # more than one table in FROM (comma or JOIN ON)
    "aggregates": True,            # GROUP BY / HAVING / count sum avg min max
    "grouping_sets": True,         # GROUP BY ROLLUP / CUBE / GROUPING SETS over the keys
    "distinct": True,
    "order_limit": True,           # ORDER BY with LIMIT / OFFSET (fully determined orders)
    "derived_tables": True,        # FROM (SELECT ...) AS d
    "generate_series": True,       # FROM generate_series(lo, hi) AS g(x)
    "casts": True,
    "like": True,
    "text_to_number_casts": True,  # CAST(text AS integer) etc. (mostly 22P02 on both sides)
    "non_ascii_text": True,        # data such as 'é', 'ß' (upper/lower are locale-aware)
    "check_result_types": True,    # result column type OIDs must match PostgreSQL's
    # Oracle relaxation, not a defect: PostgreSQL may evaluate WHERE / ON / HAVING conditions
    # (and the columns of subqueries in FROM) in any order, on rows another join order never
    # builds, or not at all when it proves a condition false. A data exception (class 22) on
    # one side only, or two different ones, is therefore accepted when an operation that can
    # fail sits in such a place; two different ones also when two operations can fail.
    "tolerate_error_order": True,
    "big_tables": True,            # now and then one table of 200-1000 rows
    "tlp": True,                   # ternary-logic-partitioning check on Flern alone
}

# name -> the finding in FINDINGS.md (this folder); ON means "avoid the form that triggers it".
DEFECTS = {
    "F1_numeric_negation_crash": False,  # fixed by the functions merge (d2513f7)
    "F2_untyped_literal_in_aggregate": True,  # min/max('lit') get CAST('lit' AS text)
    "F3_abs_numeric_missing": False,  # fixed by the functions merge (d2513f7)
    "F4_case_varchar_result_type": True,      # varchar and text result columns count as equal
    "F5_bc_date_output": False,  # fixed by the types merge (87bd13c)
    "F6_date_arith_range": False,  # fixed on branch fuzz (was: date +/- (int % 1000))
    "F7_varchar_literal_coercion": True,      # text literals at most one character long
    "F8_upper_lower_ascii_only": False,  # fixed by the functions merge (d2513f7)
    "F9_unknown_literal_in_subquery": False,  # fixed in 41de9da
    "F10_case_numeric_scale": False,  # fixed by the functions merge (d2513f7)
    "F11_date_input_sqlstate": False,  # fixed on branch fuzz (was: no CAST(text AS date))
    "F12_float_overflow_unchecked": False,  # fixed before d2513f7+ (checked on branch fuzz)
    "F13_float_to_numeric_cast": False,  # fixed on branch fuzz (was: no CAST(float8 AS numeric))
    "F14_numeric_division_overflow": True,    # no division with a numeric result
    "F15_numeric_multiplication_wrap": True,  # no multiplication with a numeric result
    "F16_int4_min_literal_type": False,  # fixed on branch fuzz (was: no literal -2147483648)
    "F17_order_by_constant_accepted": False,  # fixed in d21202f (was: no constant ORDER BY keys)
    "F18_null_payload_overflow": False,  # fixed on branch fuzz (was: no literals beyond +-2^31-1)
    "F19_constant_aggregates_in_subquery": False,  # fixed in d21202f (was: aggregate args
    #                                                reference a column)
    "F20_float_input_whitespace": False,  # fixed on branch fuzz (was: no CAST(text AS double precision))
    "F21_numeric_rescale_wrap": True,         # no sum(bigint) (sums beyond 1e19 meet scales)
    "F23_case_null_bool_cast": False,  # fixed on branch fuzz (was: no CAST(integer AS boolean))
    "F24_subquery_left_of_in_subquery": False,  # fixed in b26493e
}


def flags():
    merged = dict(FEATURES)
    merged.update(DEFECTS)
    return merged


class Flags:
    """The switches of one run: the registry above with --enable/--disable applied."""

    def __init__(self, enable=(), disable=()):
        self.values = flags()
        for name in list(enable) + list(disable):
            if name not in self.values:
                raise SystemExit("unknown feature or defect flag: %s (known: %s)"
                                 % (name, ", ".join(sorted(self.values))))
        for name in enable:
            self.values[name] = True
        for name in disable:
            self.values[name] = False

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name)

    def on(self, name):
        return self.values[name]

    def describe(self):
        return " ".join("%s=%s" % (k, "on" if v else "off") for k, v in sorted(self.values.items()))

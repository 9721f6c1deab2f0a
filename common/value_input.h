// Text to typed value, as PostgreSQL's input functions read it: the one place that turns literals
// (binder), COPY fields (planner/copy) and run-time casts from text (ir runtime) into values.
#pragma once

#include "common/types.h"

#include <string>
#include <string_view>

namespace flern {

/// A parsed value; which member holds it follows from the type (see SqlType's physical layout).
struct InputValue {
  int64_t integer = 0;  ///< Bool, Int16, Int32, Int64, Date (days), Timestamp[Tz] (microseconds)
  double floating = 0;  ///< Float64, Float32 (already rounded to float)
  __int128 numeric = 0; ///< Numeric, scaled (packed for kDynamicScale); Interval (packInterval)
  std::string text;     ///< Text, Varchar, Char (padded), Unknown
};

/// Parses `text` as `type`. Raises flern::Error: 22P02 bad syntax, 22003 out of range, 22007 bad
/// date, 22008 date field out of range, 22001 too long for VARCHAR(n)/CHAR(n) (an explicit cast
/// truncates instead).
InputValue parseInput(std::string_view text, const SqlType& type, bool explicitCast = false);

/// The shapes bulk loads mostly carry, parsed without building an InputValue: INTEGER/BIGINT as
/// plain digits, DATE as YYYY-MM-DD, NUMERIC(p,s) as digits with at most s decimals. Writes the
/// value to `slot` (the column's physical layout) and returns true; returns false for anything
/// else, which parseInput then reads (and rejects with its error where it must). The values are
/// the ones parseInput gives.
bool parseCommonInput(std::string_view text, const SqlType& type, void* slot);

} // namespace flern

// Rows of the eight TPC-H tables as dbgen 2.14.0 writes them ('|'-separated .tbl text), for
// any scale factor and any range of rows, so that tables can be generated in parallel parts
// whose concatenation equals the whole file.
#pragma once

#include "tpch/random_streams.h"

#include <string>

namespace flern::tpch {

/// Row counts and key ranges that follow from a scale factor, as dbgen derives them (scale
/// factors below 1 scale each table's base row count by a thousandth-exact factor).
struct ScaleConfig {
  explicit ScaleConfig(double scaleFactor);
  int64_t scale = 1;
  int64_t parts, suppliers, customers, orders;
  /// Number of generation units of a table: rows, except that partsupp and lineitem are
  /// generated per part and per order.
  int64_t units(Table table) const;
};

const char* tableName(Table table);

/// Appends the .tbl text of units [first, first + count) (1-based) of `table` to `out`.
void generateRows(const ScaleConfig& config, Table table, int64_t first, int64_t count,
                  std::string& out);

} // namespace flern::tpch

// Zone filters for a table scan, found among the conditions pushed down onto it.
#pragma once

#include "ir/ops/scans.h"

#include <vector>

namespace flern::planner {

/// The zone filters implied by `conjuncts` (bound over the scan's row: Column index = position
/// in the scan row, `columnTypes` the scan's column types): conjuncts `column op constant` or
/// `constant op column` with op in = < <= > >=, where the column may sit under casts that
/// cannot fail and keep the order (int4 -> int8, to unconstrained NUMERIC of a larger scale,
/// CHAR -> unbounded or wider CHAR, VARCHAR -> TEXT). Constants are converted to the column's own
/// type; one that falls between two of the column's values narrows the comparison (for a
/// NUMERIC(15,2) column, `c < 5.123` becomes `c <= 5.12`). Other conjuncts give none.
std::vector<ir::ZoneFilter> zoneFilters(const std::vector<SqlType>& columnTypes,
                                        const std::vector<ir::BoundExprPtr>& conjuncts);

} // namespace flern::planner

// Loads the TPC-H tables straight into Flern's columnar storage: rows generated in parallel go
// field by field into column chunks, with no text in between.
#pragma once

#include "storage/table.h"
#include "tpch/random_streams.h"

#include <memory>
#include <vector>

namespace flern::tpch {

/// The TPC-H schema of `table` (spec types: DECIMAL(15,2), DATE, CHAR(n), VARCHAR(n), INTEGER
/// keys with BIGINT order keys), every column NOT NULL.
std::vector<storage::ColumnDef> tpchSchema(Table table);

/// Generates all of `table` at `scaleFactor` with `threads` workers into a new storage table.
std::shared_ptr<storage::Table> generateTable(Table table, double scaleFactor, int threads);

} // namespace flern::tpch

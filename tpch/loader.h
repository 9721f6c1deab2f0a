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

/// Generates all of `master` at `scaleFactor` with `threads` workers into new storage tables:
/// one table, or for Part and Orders also their detail table (partsupp, lineitem) from the same
/// pass.
std::vector<std::shared_ptr<storage::Table>> generateTables(Table master, double scaleFactor,
                                                            int threads);

} // namespace flern::tpch

// COPY's data formats, as PostgreSQL reads and writes them: text (tab-separated, backslash
// escapes, \N for null) and CSV (quotes, HEADER). Input is parsed all-or-nothing into a columnar
// buffer; the first bad value stops the COPY with PostgreSQL's error and the line in CONTEXT.
#pragma once

#include "storage/table.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flern::planner {

struct CopyOptions {
  bool csv = false;
  char delimiter = '\t';
  std::string null = "\\N";
  bool header = false;
  char quote = '"';
  char escape = '"';

  /// Reads COPY's WITH options; raises 42601/0A000/22023 for bad ones.
  static CopyOptions from(const std::vector<std::pair<std::string, std::string>>& options);
};

/// Parses COPY input for `columns` (indices into `table`'s columns; other columns get NULL)
/// into a buffer of the table's column types. A line with exactly one field too many whose last
/// field is empty is accepted: dbgen's .tbl files end every line with the delimiter.
std::unique_ptr<storage::ColumnarBuffer> parseCopyInput(std::string_view data,
                                                        const CopyOptions& options,
                                                        const storage::Table& table,
                                                        const std::vector<int>& columns);

/// PostgreSQL's DETAIL for a row that violates a constraint: "Failing row contains (...)."
std::string failingRowDetail(const storage::Chunk& chunk, int64_t row);

/// Appends the CSV header line (column names) when the options ask for one.
void appendCopyHeader(std::string& out, const std::vector<std::string>& names,
                      const CopyOptions& options);

/// Appends row `row` of `chunk` as one COPY line (with its newline).
void appendCopyRow(std::string& out, const storage::Chunk& chunk, int64_t row,
                   const CopyOptions& options);

} // namespace flern::planner

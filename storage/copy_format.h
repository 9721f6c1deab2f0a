// COPY's data formats, as PostgreSQL reads and writes them: text (tab-separated, backslash
// escapes, \N for null) and CSV (quotes, HEADER). Input is parsed all-or-nothing into a columnar
// buffer; the first bad value stops the COPY with PostgreSQL's error and the line in CONTEXT.
#pragma once

#include "storage/table.h"

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flern::storage {

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

/// Parses COPY input for `columns` (indices into the table's columns; the others get NULL) into
/// chunks of the table's column types. A line with exactly one field too many whose last field is
/// empty is accepted: dbgen's .tbl files end every line with the delimiter.
///
/// Input is parsed as it arrives. When records cannot span lines (text format, or CSV so far
/// without a quote character), every complete run of ~8 MiB of lines (a multiple of a chunk's
/// rows) is parsed on a worker thread while more data comes in; the rest is parsed by finish().
/// Rows keep their input order, and the error reported is the one of the first bad line.
class CopyInParser {
public:
  CopyInParser(CopyOptions options, std::shared_ptr<const storage::Table> table,
               std::vector<int> columns);
  ~CopyInParser();
  CopyInParser(const CopyInParser&) = delete;
  CopyInParser& operator=(const CopyInParser&) = delete;

  void feed(std::string_view bytes);
  /// All rows, in input order; raises the first bad line's error.
  std::unique_ptr<storage::ColumnarBuffer> finish();
  const storage::Table& table() const { return *table_; }
  size_t columnCount() const { return columns_.size(); }

private:
  /// Parses `slice` (`lines` whole lines) on a worker thread.
  void dispatch(std::string slice, int64_t lines);

  CopyOptions options_;
  std::shared_ptr<const storage::Table> table_;
  std::vector<int> columns_;
  std::string pending_;
  bool streaming_ = true; ///< false once a CSV quote makes line cuts unsafe
  bool first_ = true;
  int64_t nextLine_ = 1;     ///< line number of pending_'s first line
  int64_t pendingLines_ = 0; ///< newlines in pending_
  size_t scanned_ = 0;       ///< bytes of pending_ already searched for newlines
  size_t chunkBoundary_ = 0; ///< end of pending_'s last multiple of kChunkRows lines, or 0
  struct Slice;
  std::vector<std::unique_ptr<Slice>> slices_;
  std::mutex spareLock_;
  std::vector<std::string> spare_; ///< parsed slices' input buffers, for reuse
};

/// PostgreSQL's DETAIL for a row that violates a constraint: "Failing row contains (...)."
std::string failingRowDetail(const storage::Chunk& chunk, int64_t row);

/// Appends the CSV header line (column names) when the options ask for one.
void appendCopyHeader(std::string& out, const std::vector<std::string>& names,
                      const CopyOptions& options);

/// Appends row `row` of `chunk` as one COPY line (with its newline).
void appendCopyRow(std::string& out, const storage::Chunk& chunk, int64_t row,
                   const CopyOptions& options);

} // namespace flern::storage

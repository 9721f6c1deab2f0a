// Columnar in-memory tables: chunks of column vectors with null masks.
//
// Invariants: every chunk of a table has one ColumnVector per schema column; a chunk's row count
// is at most its capacity, which is at most kChunkRows; long strings (over StringRef::kInlineLimit
// bytes) of a column point into the string heap of the chunk that holds them, so a chunk can move
// between tables (INSERT ... SELECT hands whole chunks over) without touching its strings.
#pragma once

#include "common/large_buffer.h"
#include "common/types.h"
#include "common/value_input.h"
#include "storage/statistics.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace flern::storage {

/// Rows per chunk: a morsel for scans and the unit of persistence.
inline constexpr int64_t kChunkRows = 1 << 16;

/// One column of a table schema.
struct ColumnDef {
  std::string name;
  SqlType type;
  bool notNull = false;
};

/// How a chunk takes its memory. Bulk chunks (loads, checkpoints) are filled whole, so they come
/// from one huge-page mapping each and keep their long strings in 2 MiB blocks: on a virtual
/// machine, page faults would otherwise cost a load about a third of its time. Other chunks
/// (query results, INSERT) are often nearly empty and take ordinary heap memory.
enum class ChunkMemory { Heap, Bulk };

/// The values of one column in one chunk: a dense array plus a byte-per-row null mask, both in
/// memory owned by the chunk.
class ColumnVector {
public:
  ColumnVector(SqlType type, uint8_t* data, uint8_t* nulls, ChunkMemory memory);

  SqlType type() const { return type_; }
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  uint8_t* nulls() { return nulls_; }
  const uint8_t* nulls() const { return nulls_; }
  /// Copies `text` into this column's heap and returns a StringRef that points there.
  StringRef internString(std::string_view text);
  /// internString of `text` followed by `padding` spaces (CHAR(n) values).
  StringRef internPadded(std::string_view text, size_t padding);
  /// Re-points every long string of rows [0, rows) into this column's own heap.
  void internAll(int64_t rows);
  /// Stores a non-null value of this column's type at `row` (strings are interned).
  void store(int64_t row, const InputValue& value);

private:
  /// Room for at least `bytes` more string bytes.
  char* heapSpace(size_t bytes);

  SqlType type_;
  uint8_t* data_;
  uint8_t* nulls_;
  ChunkMemory memory_;
  std::vector<std::unique_ptr<char[]>> heap_; // Heap chunks' string blocks
  std::vector<LargeBuffer> bulkHeap_;         // Bulk chunks' string blocks
  size_t heapUsed_ = 0;                       ///< bytes used of the last heap block
  size_t heapCapacity_ = 0;                   ///< its size
};

/// Up to `capacity` (at most kChunkRows) rows of every column.
struct Chunk {
  int64_t rows = 0;
  int64_t capacity;
  std::vector<ColumnVector> columns;
  /// Column base pointers then null-mask pointers, in the layout generated code reads.
  std::vector<void*> pointers;

  /// Per column: the rows' range and nulls (see statistics.h); describes the first zoneRows rows.
  std::vector<ZoneMap> zones;
  int64_t zoneRows = -1;
  /// Owns the zone maps' string bounds (which must not point into data that can move).
  std::vector<std::string> zoneStrings;
  /// Per column sketches of a summarized chunk not yet merged into a table's statistics.
  std::unique_ptr<std::vector<ColumnSketch>> sketches;

  explicit Chunk(const std::vector<SqlType>& types, ChunkMemory memory = ChunkMemory::Heap,
                 int64_t capacity = kChunkRows);
  /// The zone maps describe exactly the chunk's rows (chunks may grow after summarizing).
  bool zonesCurrent() const { return zoneRows == rows; }

private:
  // Every column's values and null mask, in one block.
  std::unique_ptr<uint8_t[]> heapValues_;
  LargeBuffer bulkValues_;
};

/// A sequence of chunks with one schema: both a stored table and a query's result buffer.
class ColumnarBuffer {
public:
  explicit ColumnarBuffer(std::vector<SqlType> types, ChunkMemory memory = ChunkMemory::Heap)
      : types_(std::move(types)), memory_(memory) {}

  const std::vector<SqlType>& types() const { return types_; }
  int64_t rowCount() const;
  std::vector<std::unique_ptr<Chunk>>& chunks() { return chunks_; }
  const std::vector<std::unique_ptr<Chunk>>& chunks() const { return chunks_; }
  /// Reserves one row at the end, returning the chunk and row index to write it to. Heap
  /// buffers start with a chunk of 1,024 rows and make each next one four times larger, up to
  /// kChunkRows: most query results are small, and a full chunk's null masks alone are 64 KiB
  /// a column.
  Chunk& reserveRow(int64_t& rowInChunk);
  /// Appends all chunks of `other` (same types), leaving it empty.
  void absorb(ColumnarBuffer& other);

private:
  std::vector<SqlType> types_;
  ChunkMemory memory_;
  std::vector<std::unique_ptr<Chunk>> chunks_;
};

/// A stored table: name, schema and data.
class Table {
public:
  Table(std::string name, std::vector<ColumnDef> columns);

  const std::string& name() const { return name_; }
  const std::vector<ColumnDef>& columns() const { return columns_; }
  std::vector<SqlType> columnTypes() const;
  /// Index of the column called `name`, or -1.
  int findColumn(std::string_view name) const;
  ColumnarBuffer& data() { return data_; }
  const ColumnarBuffer& data() const { return data_; }

  /// Appends all chunks of `rows` (same types), leaving it empty. Their zone maps and sketches
  /// are computed unless summarizeChunks already did (callers do that before taking locks or on
  /// their worker threads), and the sketches merge into the table's statistics.
  void append(ColumnarBuffer& rows);
  /// ANALYZE: recomputes zone maps and statistics from all rows, on up to `threads` threads.
  void analyze(int threads);
  /// Statistics as of the last load or ANALYZE; rows is always exact.
  TableStatistics statistics() const;

private:
  std::string name_;
  std::vector<ColumnDef> columns_;
  ColumnarBuffer data_;
  mutable std::mutex statisticsMutex_; // statistics() may run beside other readers
  std::vector<ColumnSketch> sketches_; ///< one per column
};

} // namespace flern::storage

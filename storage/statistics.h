// Table statistics for the optimizer and per-chunk zone maps for chunk skipping.
//
// Statistics are collected when chunks are appended (loads, COPY, INSERT: the new chunks'
// sketches merge into the table's) and recomputed from all rows by ANALYZE and at start-up.
// Zone maps are computed for every chunk a table takes and describe that chunk's rows exactly;
// a chunk whose row count differs from the count its zone maps were computed for is never
// skipped (see Chunk::zonesCurrent), so a path that appends rows some other way costs speed, not
// correctness.
#pragma once

#include "storage/hyperloglog.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flern::storage {

class ColumnarBuffer;
struct Chunk;

struct ColumnStatistics {
  double nullFraction = 0;
  double distinct = 0; ///< estimated distinct non-null values
  std::optional<double> min, max;
};

struct TableStatistics {
  int64_t rows = 0;
  std::vector<ColumnStatistics> columns;
};

/// What one chunk's column holds, in the layout generated code reads (TableScan): min and max
/// are the column's physical values (i32, i64, double, i128 or StringRef) in the low bytes.
struct alignas(16) ZoneMap {
  __int128 min = 0;
  __int128 max = 0;
  uint8_t hasNulls = 0;
  uint8_t allNull = 0; ///< no non-null value: no comparison can be true
  uint8_t ordered = 0; ///< min/max are valid (not for BOOLEAN, NaN, per-value-scale NUMERIC)

  static constexpr int64_t kMinOffset = 0;
  static constexpr int64_t kMaxOffset = 16;
  static constexpr int64_t kAllNullOffset = 33;
  static constexpr int64_t kOrderedOffset = 34;
};
static_assert(sizeof(ZoneMap) == 48);

/// Running statistics of one column: distinct sketch, counts and numeric range.
struct ColumnSketch {
  HyperLogLog distinct;
  int64_t nulls = 0;
  int64_t values = 0; ///< non-null
  std::optional<double> min, max;

  void merge(const ColumnSketch& other);
  ColumnStatistics statistics() const;
};

/// Computes the zone maps of `chunk` (stored in it) and its column sketches (stored in it until
/// a table merges them).
void summarizeChunk(Chunk& chunk);
/// summarizeChunk for every chunk of `buffer` not summarized at its current size, on up to
/// `threads` threads.
void summarizeChunks(ColumnarBuffer& buffer, int threads);

} // namespace flern::storage

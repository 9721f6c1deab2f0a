#include "storage/statistics.h"

#include "storage/table.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

namespace flern::storage {

void ColumnSketch::merge(const ColumnSketch& other) {
  distinct.merge(other.distinct);
  nulls += other.nulls;
  values += other.values;
  if (other.min && (!min || *other.min < *min)) min = other.min;
  if (other.max && (!max || *other.max > *max)) max = other.max;
}

ColumnStatistics ColumnSketch::statistics() const {
  ColumnStatistics result;
  int64_t rows = nulls + values;
  if (rows > 0) result.nullFraction = static_cast<double>(nulls) / static_cast<double>(rows);
  result.distinct = std::min(distinct.estimate(), static_cast<double>(values));
  result.min = min;
  result.max = max;
  return result;
}

namespace {

template <typename T> void storeBound(__int128& slot, T value) {
  slot = 0;
  std::memcpy(&slot, &value, sizeof value);
}

/// One pass over a fixed-width column: null count, range and distinct sketch. `hash` maps a
/// value to its 64-bit hash, `toDouble` to the statistics' number.
template <typename T, typename Hash, typename ToDouble>
void summarizeFixed(const ColumnVector& column, int64_t rows, ZoneMap& zone, ColumnSketch& sketch,
                    Hash hash, ToDouble toDouble) {
  const auto* values = reinterpret_cast<const T*>(column.data());
  const uint8_t* nulls = column.nulls();
  T low = std::numeric_limits<T>::max();
  T high = std::numeric_limits<T>::lowest();
  bool unordered = false; // a NaN
  int64_t nullCount = 0;
  for (int64_t r = 0; r < rows; ++r)
    nullCount += nulls[r] != 0;
  if (nullCount == 0) {
    // The common case, without a branch per row: the range loop vectorizes.
    for (int64_t r = 0; r < rows; ++r) {
      T value = values[r];
      if constexpr (std::is_floating_point_v<T>) unordered |= value != value;
      low = value < low ? value : low;
      high = value > high ? value : high;
    }
    for (int64_t r = 0; r < rows; ++r)
      sketch.distinct.add(hash(values[r]));
  }
  for (int64_t r = 0; r < rows && nullCount > 0; ++r) {
    if (nulls[r]) continue;
    T value = values[r];
    if constexpr (std::is_floating_point_v<T>) unordered |= value != value;
    low = value < low ? value : low;
    high = value > high ? value : high;
    sketch.distinct.add(hash(value));
  }
  sketch.nulls = nullCount;
  sketch.values = rows - nullCount;
  zone.hasNulls = nullCount > 0;
  zone.allNull = nullCount == rows;
  if (zone.allNull || unordered) return;
  storeBound(zone.min, low);
  storeBound(zone.max, high);
  zone.ordered = 1;
  sketch.min = toDouble(low);
  sketch.max = toDouble(high);
}

/// Strings: the sketch hashes the content (CHAR without its trailing blanks); the zone map's
/// bounds follow the order generated code compares with (bytes, then length; CHAR blank-trimmed).
void summarizeStrings(Chunk& chunk, size_t c, ZoneMap& zone, ColumnSketch& sketch) {
  const ColumnVector& column = chunk.columns[c];
  bool isChar = column.type().id == TypeId::Char;
  const auto* refs = reinterpret_cast<const StringRef*>(column.data());
  const uint8_t* nulls = column.nulls();
  std::string_view low, high;
  int64_t nullCount = 0;
  bool any = false;
  for (int64_t r = 0; r < chunk.rows; ++r) {
    if (nulls[r]) {
      ++nullCount;
      continue;
    }
    std::string_view text = refs[r].view();
    if (isChar) text = trimTrailingBlanks(text);
    sketch.distinct.add(hashBytes(text.data(), text.size()));
    if (!any) {
      low = high = text;
      any = true;
    } else if (text < low) {
      low = text;
    } else if (text > high) {
      high = text;
    }
  }
  sketch.nulls = nullCount;
  sketch.values = chunk.rows - nullCount;
  zone.hasNulls = nullCount > 0;
  zone.allNull = !any;
  if (!any) return;
  // Own copies: the column's strings may be re-pointed (internAll) after summarizing. Trimmed
  // CHAR bounds compare the same way the padded values do.
  chunk.zoneStrings[2 * c] = std::string(low);
  chunk.zoneStrings[2 * c + 1] = std::string(high);
  storeBound(zone.min, makeStringRef(chunk.zoneStrings[2 * c]));
  storeBound(zone.max, makeStringRef(chunk.zoneStrings[2 * c + 1]));
  zone.ordered = 1;
}

/// NUMERIC with a per-value scale and BOOLEAN: counts and sketch; no zone range (packed NUMERIC
/// values do not sort by their numeric value).
void summarizeUnordered(const ColumnVector& column, int64_t rows, ZoneMap& zone,
                        ColumnSketch& sketch) {
  int64_t nullCount = 0;
  bool isBool = column.type().id == TypeId::Bool;
  for (int64_t r = 0; r < rows; ++r) {
    if (column.nulls()[r]) {
      ++nullCount;
      continue;
    }
    if (isBool) {
      sketch.distinct.add(hashInteger(column.data()[r]));
      continue;
    }
    __int128 packed = reinterpret_cast<const __int128*>(column.data())[r];
    __int128 digits = packedDigits(packed);
    int scale = packedScale(packed);
    // 1.50 and 1.5 are one value: hash the digits without trailing zeros.
    while (scale > 0 && digits % 10 == 0) {
      digits /= 10;
      --scale;
    }
    sketch.distinct.add(hashInt128(packNumeric(digits, scale)));
    double value = static_cast<double>(digits) / std::pow(10.0, scale);
    if (!sketch.min || value < *sketch.min) sketch.min = value;
    if (!sketch.max || value > *sketch.max) sketch.max = value;
  }
  sketch.nulls = nullCount;
  sketch.values = rows - nullCount;
  zone.hasNulls = nullCount > 0;
  zone.allNull = nullCount == rows;
}

void summarizeColumn(Chunk& chunk, size_t c, ZoneMap& zone, ColumnSketch& sketch) {
  const ColumnVector& column = chunk.columns[c];
  const SqlType type = column.type();
  const int64_t rows = chunk.rows;
  auto asDouble = [](auto value) { return static_cast<double>(value); };
  switch (type.id) {
  case TypeId::Int32:
  case TypeId::Date:
    summarizeFixed<int32_t>(
        column, rows, zone, sketch,
        [](int32_t v) { return hashInteger(static_cast<uint64_t>(static_cast<int64_t>(v))); },
        asDouble);
    return;
  case TypeId::Int64:
    summarizeFixed<int64_t>(
        column, rows, zone, sketch, [](int64_t v) { return hashInteger(static_cast<uint64_t>(v)); },
        asDouble);
    return;
  case TypeId::Float64:
    summarizeFixed<double>(
        column, rows, zone, sketch,
        [](double v) {
          if (v == 0) v = 0; // -0 and 0 are one value
          uint64_t bits;
          std::memcpy(&bits, &v, sizeof bits);
          return hashInteger(bits);
        },
        asDouble);
    return;
  case TypeId::Numeric:
    if (type.scale == kDynamicScale) break;
    summarizeFixed<__int128>(
        column, rows, zone, sketch, [](__int128 v) { return hashInt128(v); },
        [scale = std::pow(10.0, type.scale)](__int128 v) {
          return static_cast<double>(v) / scale;
        });
    return;
  case TypeId::Text:
  case TypeId::Varchar:
  case TypeId::Char:
    summarizeStrings(chunk, c, zone, sketch);
    return;
  default:
    break;
  }
  summarizeUnordered(column, rows, zone, sketch);
}

} // namespace

void summarizeChunk(Chunk& chunk) {
  const size_t columns = chunk.columns.size();
  chunk.zones.assign(columns, ZoneMap{});
  chunk.zoneStrings.assign(2 * columns, std::string());
  auto sketches = std::make_unique<std::vector<ColumnSketch>>(columns);
  for (size_t c = 0; c < columns; ++c)
    summarizeColumn(chunk, c, chunk.zones[c], (*sketches)[c]);
  chunk.sketches = std::move(sketches);
  chunk.zoneRows = chunk.rows;
}

void summarizeChunks(ColumnarBuffer& buffer, int threads) {
  std::vector<Chunk*> pending;
  for (auto& chunk : buffer.chunks())
    if (!chunk->zonesCurrent() || !chunk->sketches) pending.push_back(chunk.get());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < pending.size(); i = next++)
      summarizeChunk(*pending[i]);
  };
  int extra = std::min<int>(threads, static_cast<int>(pending.size())) - 1;
  std::vector<std::thread> workers;
  for (int i = 0; i < extra; ++i)
    workers.emplace_back(work);
  work();
  for (auto& worker : workers)
    worker.join();
}

} // namespace flern::storage

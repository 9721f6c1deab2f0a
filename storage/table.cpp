#include "storage/table.h"

#include <algorithm>
#include <cstring>

namespace flern::storage {

ColumnVector::ColumnVector(SqlType type, uint8_t* data, uint8_t* nulls, ChunkMemory memory)
    : type_(type), data_(data), nulls_(nulls), memory_(memory) {}

char* ColumnVector::heapSpace(size_t bytes) {
  if (heapUsed_ + bytes > heapCapacity_) {
    if (memory_ == ChunkMemory::Bulk) {
      heapCapacity_ = std::max<size_t>(bytes, 2 << 20);
      bulkHeap_.emplace_back(heapCapacity_);
    } else {
      // 64 KiB blocks (or one of the string's own size): one allocation per block.
      heapCapacity_ = std::max<size_t>(bytes, 64 * 1024);
      heap_.push_back(std::make_unique_for_overwrite<char[]>(heapCapacity_));
    }
    heapUsed_ = 0;
  }
  return (memory_ == ChunkMemory::Bulk ? bulkHeap_.back().data() : heap_.back().get()) + heapUsed_;
}

StringRef ColumnVector::internString(std::string_view text) {
  if (text.size() <= StringRef::kInlineLimit) return makeStringRef(text);
  char* copy = heapSpace(text.size());
  std::memcpy(copy, text.data(), text.size());
  heapUsed_ += text.size();
  return makeStringRef(std::string_view(copy, text.size()));
}

StringRef ColumnVector::internPadded(std::string_view text, size_t padding) {
  size_t length = text.size() + padding;
  char inlined[StringRef::kInlineLimit];
  char* copy = length <= StringRef::kInlineLimit ? inlined : heapSpace(length);
  std::memcpy(copy, text.data(), text.size());
  std::memset(copy + text.size(), ' ', padding);
  if (copy != inlined) heapUsed_ += length;
  return makeStringRef(std::string_view(copy, length));
}

void ColumnVector::internAll(int64_t rows) {
  if (!type_.isString()) return;
  // One heap block for the whole column keeps allocation per chunk, not per row.
  auto* refs = reinterpret_cast<StringRef*>(data_);
  size_t total = 0;
  for (int64_t i = 0; i < rows; ++i)
    if (!nulls_[i] && refs[i].length > StringRef::kInlineLimit) total += refs[i].length;
  if (total == 0) return;
  heapUsed_ = heapCapacity_ = 0; // start a block that holds them all
  char* block = heapSpace(total);
  size_t offset = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (nulls_[i] || refs[i].length <= StringRef::kInlineLimit) continue;
    std::memcpy(block + offset, refs[i].pointer, refs[i].length);
    refs[i].pointer = block + offset;
    offset += refs[i].length;
  }
  heapUsed_ = total;
}

void ColumnVector::store(int64_t row, const InputValue& value) {
  uint8_t* bytes = data_;
  switch (type_.id) {
  case TypeId::Bool:
    bytes[row] = value.integer != 0;
    break;
  case TypeId::Int32:
  case TypeId::Date:
    reinterpret_cast<int32_t*>(bytes)[row] = static_cast<int32_t>(value.integer);
    break;
  case TypeId::Int16:
    reinterpret_cast<int16_t*>(bytes)[row] = static_cast<int16_t>(value.integer);
    break;
  case TypeId::Int64:
  case TypeId::Timestamp:
  case TypeId::TimestampTz:
    reinterpret_cast<int64_t*>(bytes)[row] = value.integer;
    break;
  case TypeId::Float32:
    reinterpret_cast<float*>(bytes)[row] = static_cast<float>(value.floating);
    break;
  case TypeId::Float64:
    reinterpret_cast<double*>(bytes)[row] = value.floating;
    break;
  case TypeId::Numeric:
  case TypeId::Interval:
    reinterpret_cast<__int128*>(bytes)[row] = value.numeric;
    break;
  default:
    reinterpret_cast<StringRef*>(bytes)[row] = internString(value.text);
  }
}

Chunk::Chunk(const std::vector<SqlType>& types, ChunkMemory memory, int64_t capacity)
    : capacity(capacity) {
  const auto rowsCapacity = static_cast<size_t>(capacity);
  size_t bytes = 0;
  for (const auto& type : types)
    bytes += rowsCapacity * (type.byteWidth() + 1);
  uint8_t* block;
  if (memory == ChunkMemory::Bulk) {
    bulkValues_ = LargeBuffer(bytes);
    block = reinterpret_cast<uint8_t*>(bulkValues_.data());
  } else {
    heapValues_ = std::make_unique_for_overwrite<uint8_t[]>(bytes);
    block = heapValues_.get();
  }
  // Values first (each column's array 16-byte aligned: widths are 1, 4, 8 or 16 bytes and the
  // capacity a power of two), then the null masks, which start out all zero (not null).
  uint8_t* nullMasks = block;
  for (const auto& type : types)
    nullMasks += rowsCapacity * type.byteWidth();
  std::memset(nullMasks, 0, rowsCapacity * types.size());
  columns.reserve(types.size());
  uint8_t* values = block;
  for (size_t c = 0; c < types.size(); ++c) {
    columns.emplace_back(types[c], values, nullMasks + c * rowsCapacity, memory);
    values += rowsCapacity * types[c].byteWidth();
  }
  for (auto& column : columns)
    pointers.push_back(column.data());
  for (auto& column : columns)
    pointers.push_back(column.nulls());
}

int64_t ColumnarBuffer::rowCount() const {
  int64_t rows = 0;
  for (const auto& chunk : chunks_)
    rows += chunk->rows;
  return rows;
}

Chunk& ColumnarBuffer::reserveRow(int64_t& rowInChunk) {
  if (chunks_.empty() || chunks_.back()->rows == chunks_.back()->capacity) {
    int64_t capacity = kChunkRows;
    if (memory_ == ChunkMemory::Heap)
      capacity = chunks_.empty() ? 1024 : std::min(kChunkRows, chunks_.back()->capacity * 4);
    chunks_.push_back(std::make_unique<Chunk>(types_, memory_, capacity));
  }
  Chunk& chunk = *chunks_.back();
  rowInChunk = chunk.rows++;
  return chunk;
}

void ColumnarBuffer::absorb(ColumnarBuffer& other) {
  for (auto& chunk : other.chunks_)
    if (chunk->rows > 0) chunks_.push_back(std::move(chunk));
  other.chunks_.clear();
}

Table::Table(std::string name, std::vector<ColumnDef> columns)
    : name_(std::move(name)), columns_(std::move(columns)), data_(columnTypes()),
      sketches_(columns_.size()) {}

void Table::append(ColumnarBuffer& rows) {
  summarizeChunks(rows, 1);
  {
    std::lock_guard guard(statisticsMutex_);
    for (auto& chunk : rows.chunks()) {
      if (chunk->rows == 0) continue;
      for (size_t c = 0; c < sketches_.size(); ++c)
        sketches_[c].merge((*chunk->sketches)[c]);
      chunk->sketches.reset();
    }
  }
  data_.absorb(rows);
}

void Table::analyze(int threads) {
  for (auto& chunk : data_.chunks())
    chunk->zoneRows = -1;
  summarizeChunks(data_, threads);
  std::vector<ColumnSketch> fresh(columns_.size());
  for (auto& chunk : data_.chunks()) {
    for (size_t c = 0; c < fresh.size(); ++c)
      fresh[c].merge((*chunk->sketches)[c]);
    chunk->sketches.reset();
  }
  std::lock_guard guard(statisticsMutex_);
  sketches_ = std::move(fresh);
}

TableStatistics Table::statistics() const {
  TableStatistics result;
  result.rows = data_.rowCount();
  std::lock_guard guard(statisticsMutex_);
  for (const auto& sketch : sketches_)
    result.columns.push_back(sketch.statistics());
  return result;
}

std::vector<SqlType> Table::columnTypes() const {
  std::vector<SqlType> types;
  for (const auto& column : columns_)
    types.push_back(column.type);
  return types;
}

int Table::findColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

} // namespace flern::storage

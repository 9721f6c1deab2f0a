#include "storage/table.h"

#include <algorithm>
#include <cstring>

namespace flern::storage {

ColumnVector::ColumnVector(SqlType type)
    : type_(type), data_(new uint8_t[kChunkRows * type.byteWidth()]),
      nulls_(new uint8_t[kChunkRows]()) {}

StringRef ColumnVector::internString(std::string_view text) {
  if (text.size() <= StringRef::kInlineLimit) return makeStringRef(text);
  // Long strings go into 64 KiB blocks (or one of their own size): one allocation per block.
  if (heapUsed_ + text.size() > heapCapacity_) {
    heapCapacity_ = std::max<size_t>(text.size(), 64 * 1024);
    heap_.push_back(std::make_unique<char[]>(heapCapacity_));
    heapUsed_ = 0;
  }
  char* copy = heap_.back().get() + heapUsed_;
  std::memcpy(copy, text.data(), text.size());
  heapUsed_ += text.size();
  return makeStringRef(std::string_view(copy, text.size()));
}

void ColumnVector::internAll(int64_t rows) {
  if (!type_.isString()) return;
  // One heap block for the whole column keeps allocation per chunk, not per row.
  auto* refs = reinterpret_cast<StringRef*>(data_.get());
  size_t total = 0;
  for (int64_t i = 0; i < rows; ++i)
    if (!nulls_[i] && refs[i].length > StringRef::kInlineLimit) total += refs[i].length;
  if (total == 0) return;
  auto block = std::make_unique<char[]>(total);
  size_t offset = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (nulls_[i] || refs[i].length <= StringRef::kInlineLimit) continue;
    std::memcpy(block.get() + offset, refs[i].pointer, refs[i].length);
    refs[i].pointer = block.get() + offset;
    offset += refs[i].length;
  }
  heap_.push_back(std::move(block));
  heapUsed_ = heapCapacity_ = total; // full: later interned strings start a new block
}

void ColumnVector::store(int64_t row, const InputValue& value) {
  uint8_t* bytes = data_.get();
  switch (type_.id) {
  case TypeId::Bool:
    bytes[row] = value.integer != 0;
    break;
  case TypeId::Int32:
  case TypeId::Date:
    reinterpret_cast<int32_t*>(bytes)[row] = static_cast<int32_t>(value.integer);
    break;
  case TypeId::Int64:
    reinterpret_cast<int64_t*>(bytes)[row] = value.integer;
    break;
  case TypeId::Float64:
    reinterpret_cast<double*>(bytes)[row] = value.floating;
    break;
  case TypeId::Numeric:
    reinterpret_cast<__int128*>(bytes)[row] = value.numeric;
    break;
  default:
    reinterpret_cast<StringRef*>(bytes)[row] = internString(value.text);
  }
}

Chunk::Chunk(const std::vector<SqlType>& types) {
  columns.reserve(types.size());
  for (const auto& type : types)
    columns.emplace_back(type);
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
  if (chunks_.empty() || chunks_.back()->rows == kChunkRows)
    chunks_.push_back(std::make_unique<Chunk>(types_));
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
    : name_(std::move(name)), columns_(std::move(columns)), data_(columnTypes()) {}

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

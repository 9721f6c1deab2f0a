#include "server/result_writer.h"

#include <charconv>
#include <cstring>

namespace flern::server {

void appendValueText(std::string& out, const SqlType& type, const uint8_t* data, int64_t row) {
  char buffer[32];
  switch (type.id) {
  case TypeId::Bool:
    out.push_back(data[row] ? 't' : 'f');
    return;
  case TypeId::Int32: {
    int32_t v;
    std::memcpy(&v, data + row * 4, 4);
    auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    out.append(buffer, end);
    return;
  }
  case TypeId::Int64: {
    int64_t v;
    std::memcpy(&v, data + row * 8, 8);
    auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    out.append(buffer, end);
    return;
  }
  case TypeId::Float64: {
    double v;
    std::memcpy(&v, data + row * 8, 8);
    out += formatFloat64(v);
    return;
  }
  case TypeId::Numeric: {
    __int128 v;
    std::memcpy(&v, data + row * 16, 16);
    if (type.scale == kDynamicScale)
      out += formatNumeric(packedDigits(v), packedScale(v));
    else
      out += formatNumeric(v, type.scale);
    return;
  }
  case TypeId::Date: {
    int32_t v;
    std::memcpy(&v, data + row * 4, 4);
    out += formatDate(v);
    return;
  }
  case TypeId::Text:
  case TypeId::Varchar:
  case TypeId::Unknown: {
    StringRef s;
    std::memcpy(&s, data + row * 16, 16);
    out.append(s.data(), s.length);
    return;
  }
  }
}

void writeDataRow(PgMessageWriter& writer, const storage::Chunk& chunk, int64_t row) {
  writer.begin('D');
  writer.int16(static_cast<int16_t>(chunk.columns.size()));
  std::string& out = writer.buffer();
  for (const auto& column : chunk.columns) {
    if (column.nulls()[row]) {
      writer.int32(-1);
      continue;
    }
    size_t lengthAt = out.size();
    writer.int32(0);
    appendValueText(out, column.type(), column.data(), row);
    uint32_t length = static_cast<uint32_t>(out.size() - lengthAt - 4);
    out[lengthAt] = static_cast<char>(length >> 24);
    out[lengthAt + 1] = static_cast<char>(length >> 16);
    out[lengthAt + 2] = static_cast<char>(length >> 8);
    out[lengthAt + 3] = static_cast<char>(length);
  }
  writer.finish();
}

void writeTextRow(PgMessageWriter& writer, std::string_view text) {
  writer.begin('D');
  writer.int16(1);
  writer.int32(static_cast<int32_t>(text.size()));
  writer.bytes(text);
  writer.finish();
}

} // namespace flern::server

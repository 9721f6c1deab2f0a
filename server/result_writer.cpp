#include "server/result_writer.h"

#include <charconv>
#include <cstring>

namespace flern::server {

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

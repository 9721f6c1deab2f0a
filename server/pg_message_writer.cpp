#include "server/pg_message_writer.h"

namespace flern::server {

void PgMessageWriter::begin(char type) {
  out_.push_back(type);
  start_ = out_.size();
  int32(0);
}

void PgMessageWriter::finish() {
  uint32_t length = static_cast<uint32_t>(out_.size() - start_);
  out_[start_] = static_cast<char>(length >> 24);
  out_[start_ + 1] = static_cast<char>(length >> 16);
  out_[start_ + 2] = static_cast<char>(length >> 8);
  out_[start_ + 3] = static_cast<char>(length);
}

void PgMessageWriter::int16(int16_t v) {
  out_.push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  out_.push_back(static_cast<char>(v));
}

void PgMessageWriter::int32(int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  char bytes[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                   static_cast<char>(u >> 8), static_cast<char>(u)};
  out_.append(bytes, 4);
}

void PgMessageWriter::cstring(std::string_view text) {
  out_.append(text);
  out_.push_back('\0');
}

void PgMessageWriter::authenticationOk() {
  begin('R');
  int32(0);
  finish();
}

void PgMessageWriter::parameterStatus(std::string_view name, std::string_view value) {
  begin('S');
  cstring(name);
  cstring(value);
  finish();
}

void PgMessageWriter::backendKeyData(int32_t pid, int32_t secret) {
  begin('K');
  int32(pid);
  int32(secret);
  finish();
}

void PgMessageWriter::readyForQuery(char status) {
  begin('Z');
  int8(static_cast<uint8_t>(status));
  finish();
}

void PgMessageWriter::commandComplete(std::string_view tag) {
  begin('C');
  cstring(tag);
  finish();
}

void PgMessageWriter::emptyQueryResponse() {
  begin('I');
  finish();
}

void PgMessageWriter::error(const Error& error, const char* severity) {
  std::string_view level(severity);
  begin(level == "NOTICE" || level == "WARNING" ? 'N' : 'E');
  int8('S');
  cstring(severity);
  int8('V');
  cstring(severity);
  int8('C');
  cstring(sqlStateCode(error.state()));
  int8('M');
  cstring(error.message());
  if (!error.detail().empty()) {
    int8('D');
    cstring(error.detail());
  }
  if (!error.hint().empty()) {
    int8('H');
    cstring(error.hint());
  }
  if (!error.context().empty()) {
    int8('W');
    cstring(error.context());
  }
  if (error.position() > 0) {
    int8('P');
    cstring(std::to_string(error.position()));
  }
  int8(0);
  finish();
}

void PgMessageWriter::notice(std::string_view message) {
  error(Error(SqlState::SuccessfulCompletion, std::string(message)), "NOTICE");
}

void PgMessageWriter::copyResponse(char type, int columns) {
  begin(type);
  int8(0);
  int16(static_cast<int16_t>(columns));
  for (int i = 0; i < columns; ++i)
    int16(0);
  finish();
}

void PgMessageWriter::rowDescription(const std::vector<std::string>& names,
                                     const std::vector<SqlType>& types) {
  begin('T');
  int16(static_cast<int16_t>(names.size()));
  for (size_t i = 0; i < names.size(); ++i) {
    cstring(names[i]);
    int32(0); // table OID
    int16(0); // column number
    int32(static_cast<int32_t>(types[i].oid()));
    int width;
    switch (types[i].id) {
    case TypeId::Bool:
      width = 1;
      break;
    case TypeId::Int16:
      width = 2;
      break;
    case TypeId::Int32:
    case TypeId::Float32:
    case TypeId::Date:
      width = 4;
      break;
    case TypeId::Int64:
    case TypeId::Float64:
    case TypeId::Timestamp:
    case TypeId::TimestampTz:
      width = 8;
      break;
    case TypeId::Interval:
      width = 16;
      break;
    default:
      width = -1;
    }
    int16(static_cast<int16_t>(width));
    int32(types[i].typmod());
    int16(0); // text format
  }
  finish();
}

} // namespace flern::server

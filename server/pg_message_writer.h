// Encodes PostgreSQL v3 backend messages into a byte buffer.
#pragma once

#include "common/error.h"
#include "common/types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flern::server {

class PgMessageWriter {
public:
  /// Starts a message of `type`; its length is filled in by finish().
  void begin(char type);
  void finish();
  void int8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void int16(int16_t v);
  void int32(int32_t v);
  /// A NUL-terminated string.
  void cstring(std::string_view text);
  void bytes(std::string_view data) { out_.append(data); }

  // Whole messages
  void authenticationOk();
  void parameterStatus(std::string_view name, std::string_view value);
  void backendKeyData(int32_t pid, int32_t secret);
  void readyForQuery(char status);
  void commandComplete(std::string_view tag);
  void emptyQueryResponse();
  /// ErrorResponse (or NoticeResponse when `severity` is NOTICE).
  void error(const Error& error, const char* severity = "ERROR");
  void notice(std::string_view message);
  /// CopyInResponse ('G') or CopyOutResponse ('H'): text format, `columns` text columns.
  void copyResponse(char type, int columns);
  void rowDescription(const std::vector<std::string>& names, const std::vector<SqlType>& types);

  std::string& buffer() { return out_; }
  size_t size() const { return out_.size(); }
  void clear() { out_.clear(); }

private:
  std::string out_;
  size_t start_ = 0;
};

} // namespace flern::server

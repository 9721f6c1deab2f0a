// A socket-free, incremental decoder of PostgreSQL v3 frontend messages: fed bytes, it yields
// complete messages, asks for more, or reports a malformed stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flern::server {

/// One frontend message. Startup-phase messages have type 0 (their code is the body's first
/// int32: protocol version, SSLRequest, GSSENCRequest or CancelRequest).
struct FrontendMessage {
  char type = 0;
  std::string body;
};

class PgMessageDecoder {
public:
  enum class Status { Complete, NeedMore, Bad };

  /// Largest message accepted (bytes); anything larger is a protocol violation.
  static constexpr uint32_t kMaxMessageBytes = 1u << 30;
  static constexpr uint32_t kMaxStartupBytes = 10000;

  /// Startup messages (no type byte) until the first regular message is expected.
  void expectStartup(bool startup) { startup_ = startup; }
  void feed(std::string_view bytes);
  /// Takes the next complete message from the buffered bytes.
  Status next(FrontendMessage& message);
  /// Like next(), without copying: `body` points into the decoder's buffer and stays valid
  /// until the next feed().
  Status nextView(char& type, std::string_view& body);
  /// Why the stream was rejected (after Status::Bad).
  const std::string& error() const { return error_; }

private:
  std::string buffer_;
  size_t offset_ = 0;
  bool startup_ = true;
  std::string error_;
};

/// Reads a big-endian int32 / int16 at `offset` of `bytes`.
int32_t readInt32(std::string_view bytes, size_t offset);
int16_t readInt16(std::string_view bytes, size_t offset);

} // namespace flern::server

#include "server/pg_message_decoder.h"

namespace flern::server {

int32_t readInt32(std::string_view bytes, size_t offset) {
  auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[offset + i]));
  };
  return static_cast<int32_t>(byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3));
}

int16_t readInt16(std::string_view bytes, size_t offset) {
  auto byte = [&](size_t i) {
    return static_cast<uint16_t>(static_cast<uint8_t>(bytes[offset + i]));
  };
  return static_cast<int16_t>(byte(0) << 8 | byte(1));
}

void PgMessageDecoder::feed(std::string_view bytes) {
  // Drop consumed bytes before appending (never in next(): views into the buffer stay valid).
  if (offset_ > 0 && (offset_ == buffer_.size() || offset_ > 65536)) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

PgMessageDecoder::Status PgMessageDecoder::nextView(char& type, std::string_view& body) {
  std::string_view pending(buffer_.data() + offset_, buffer_.size() - offset_);
  size_t header = startup_ ? 4 : 5;
  if (pending.size() < header) return Status::NeedMore;
  int32_t length = readInt32(pending, startup_ ? 0 : 1);
  uint32_t limit = startup_ ? kMaxStartupBytes : kMaxMessageBytes;
  if (length < 4 || static_cast<uint32_t>(length) > limit || (startup_ && length < 8)) {
    error_ = "invalid message length " + std::to_string(length);
    return Status::Bad;
  }
  size_t total = static_cast<size_t>(length) + (startup_ ? 0 : 1);
  if (pending.size() < total) return Status::NeedMore;
  type = startup_ ? 0 : pending[0];
  body = pending.substr(header, total - header);
  offset_ += total;
  return Status::Complete;
}

PgMessageDecoder::Status PgMessageDecoder::next(FrontendMessage& message) {
  std::string_view body;
  Status status = nextView(message.type, body);
  if (status == Status::Complete) message.body.assign(body);
  return status;
}

} // namespace flern::server

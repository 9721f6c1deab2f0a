// The socket-free PostgreSQL message decoder on plain byte strings.
#include "server/pg_message_decoder.h"
#include "server/pg_message_writer.h"

#include <gtest/gtest.h>

using namespace flern::server;

namespace {

std::string bigEndian32(int32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string startupMessage() {
  std::string body = bigEndian32(196608) + std::string("user\0bob\0\0", 10);
  return bigEndian32(static_cast<int32_t>(body.size() + 4)) + body;
}

std::string queryMessage(const std::string& sql) {
  return "Q" + bigEndian32(static_cast<int32_t>(sql.size() + 5)) + sql + std::string(1, '\0');
}

} // namespace

TEST(Decoder, StartupThenQueryByteByByte) {
  PgMessageDecoder decoder;
  std::string stream = startupMessage();
  FrontendMessage message;
  for (size_t i = 0; i + 1 < stream.size(); ++i) {
    decoder.feed(stream.substr(i, 1));
    ASSERT_EQ(decoder.next(message), PgMessageDecoder::Status::NeedMore);
  }
  decoder.feed(stream.substr(stream.size() - 1));
  ASSERT_EQ(decoder.next(message), PgMessageDecoder::Status::Complete);
  EXPECT_EQ(readInt32(message.body, 0), 196608);
  decoder.expectStartup(false);
  decoder.feed(queryMessage("SELECT 1") + queryMessage("SELECT 2"));
  ASSERT_EQ(decoder.next(message), PgMessageDecoder::Status::Complete);
  EXPECT_EQ(message.type, 'Q');
  EXPECT_EQ(message.body, std::string("SELECT 1\0", 9));
  ASSERT_EQ(decoder.next(message), PgMessageDecoder::Status::Complete);
  EXPECT_EQ(message.body, std::string("SELECT 2\0", 9));
  EXPECT_EQ(decoder.next(message), PgMessageDecoder::Status::NeedMore);
}

TEST(Decoder, RejectsBadLengths) {
  FrontendMessage message;
  PgMessageDecoder tooShort;
  tooShort.feed(bigEndian32(2) + "xxxx");
  EXPECT_EQ(tooShort.next(message), PgMessageDecoder::Status::Bad);
  PgMessageDecoder hugeStartup;
  hugeStartup.feed(bigEndian32(1 << 20));
  EXPECT_EQ(hugeStartup.next(message), PgMessageDecoder::Status::Bad);
  PgMessageDecoder negative;
  negative.expectStartup(false);
  negative.feed("Q" + bigEndian32(-5));
  EXPECT_EQ(negative.next(message), PgMessageDecoder::Status::Bad);
}

TEST(Writer, ErrorResponseFields) {
  PgMessageWriter writer;
  writer.error(flern::Error(flern::SqlState::UndefinedTable, "relation \"x\" does not exist", 15));
  const std::string& bytes = writer.buffer();
  EXPECT_EQ(bytes[0], 'E');
  EXPECT_EQ(readInt32(bytes, 1), static_cast<int32_t>(bytes.size() - 1));
  EXPECT_NE(bytes.find(std::string("C42P01\0", 7)), std::string::npos);
  EXPECT_NE(bytes.find(std::string("P15\0", 4)), std::string::npos);
}

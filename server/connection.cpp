#include "server/connection.h"

#include "parser/parser.h"
#include "server/result_writer.h"
#include "storage/copy_format.h"

#include <iostream>
#include <optional>
#include <random>

namespace flern::server {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr int32_t kProtocolVersion3 = 196608;
constexpr int32_t kSslRequest = 80877103;
constexpr int32_t kGssEncRequest = 80877104;
constexpr int32_t kCancelRequest = 80877102;
constexpr size_t kFlushThreshold = 1 << 16;

} // namespace

Connection::Connection(asio::ip::tcp::socket socket, Strand strand, Database& database,
                       int32_t processId)
    : socket_(std::move(socket)), strand_(std::move(strand)), database_(database),
      processId_(processId) {}

void Connection::stop() {
  asio::post(strand_, [self = shared_from_this()] { self->close(); });
}

void Connection::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

awaitable<bool> Connection::readMessage(FrontendMessage& message) {
  char buffer[65536];
  while (true) {
    auto status = decoder_.next(message);
    if (status == PgMessageDecoder::Status::Complete) co_return true;
    if (status == PgMessageDecoder::Status::Bad) {
      writer_.error(Error(SqlState::ProtocolViolation, decoder_.error()), "FATAL");
      co_await flush();
      co_return false;
    }
    boost::system::error_code error;
    size_t read = co_await socket_.async_read_some(asio::buffer(buffer),
                                                   asio::redirect_error(use_awaitable, error));
    if (error) co_return false;
    decoder_.feed(std::string_view(buffer, read));
  }
}

awaitable<void> Connection::flush() {
  if (writer_.size() == 0) co_return;
  boost::system::error_code error;
  co_await asio::async_write(socket_, asio::buffer(writer_.buffer()),
                             asio::redirect_error(use_awaitable, error));
  writer_.clear();
  if (error) throw boost::system::system_error(error);
}

awaitable<bool> Connection::startup() {
  FrontendMessage message;
  while (true) {
    if (!co_await readMessage(message)) co_return false;
    int32_t code = readInt32(message.body, 0);
    if (code == kSslRequest || code == kGssEncRequest) {
      // No TLS yet: 'N' tells the client to go on in plain text.
      writer_.int8('N');
      co_await flush();
      continue;
    }
    if (code == kCancelRequest)
      co_return false; // cancellation is not implemented; the request is closed, as allowed
    if (code != kProtocolVersion3) {
      writer_.error(Error(SqlState::FeatureNotSupported, "unsupported frontend protocol " +
                                                             std::to_string(code >> 16) + "." +
                                                             std::to_string(code & 0xffff)),
                    "FATAL");
      co_await flush();
      co_return false;
    }
    break;
  }
  std::string user = "flern", application;
  size_t offset = 4;
  const std::string& body = message.body;
  while (offset < body.size() && body[offset] != '\0') {
    std::string key = body.c_str() + offset;
    offset += key.size() + 1;
    if (offset >= body.size()) break;
    std::string value = body.c_str() + offset;
    offset += value.size() + 1;
    if (key == "user")
      user = value;
    else if (key == "application_name")
      application = value;
  }
  decoder_.expectStartup(false);
  writer_.authenticationOk(); // trust authentication
  writer_.parameterStatus("server_version", "15.0 (Flern)");
  writer_.parameterStatus("server_encoding", "UTF8");
  writer_.parameterStatus("client_encoding", "UTF8");
  writer_.parameterStatus("DateStyle", "ISO, MDY");
  writer_.parameterStatus("integer_datetimes", "on");
  writer_.parameterStatus("IntervalStyle", "postgres");
  writer_.parameterStatus("standard_conforming_strings", "on");
  writer_.parameterStatus("TimeZone", "UTC");
  writer_.parameterStatus("is_superuser", "on");
  writer_.parameterStatus("session_authorization", user);
  writer_.parameterStatus("application_name", application);
  static thread_local std::mt19937 random{std::random_device{}()};
  writer_.backendKeyData(processId_, static_cast<int32_t>(random()));
  writer_.readyForQuery(transactionStatus_);
  co_await flush();
  co_return true;
}

awaitable<void> Connection::run() {
  try {
    if (!co_await startup()) {
      close();
      co_return;
    }
    FrontendMessage message;
    while (co_await readMessage(message)) {
      if (message.type == 'X') break;
      if (message.type == 'Q') {
        std::string sql = message.body;
        if (!sql.empty() && sql.back() == '\0') sql.pop_back();
        co_await simpleQuery(sql);
        continue;
      }
      if (message.type == 'S') { // Sync ends an extended-protocol exchange
        ignoreTillSync_ = false;
        writer_.readyForQuery(transactionStatus_);
        co_await flush();
        continue;
      }
      if (message.type == 'P' || message.type == 'B' || message.type == 'E' ||
          message.type == 'D' || message.type == 'C' || message.type == 'H' ||
          message.type == 'F') {
        if (!ignoreTillSync_) {
          writer_.error(Error(SqlState::FeatureNotSupported,
                              "the extended query protocol is not supported yet")
                            .withHint("Use the simple query protocol (psql does by default)."));
          co_await flush();
          ignoreTillSync_ = true;
        }
        continue;
      }
      writer_.error(Error(SqlState::ProtocolViolation,
                          std::string("invalid frontend message type ") +
                              std::to_string(static_cast<unsigned char>(message.type))),
                    "FATAL");
      co_await flush();
      break;
    }
  } catch (const std::exception& error) {
    // A broken socket ends this session only.
  }
  close();
}

awaitable<void> Connection::simpleQuery(const std::string& sql) {
  std::vector<ast::Statement> statements;
  bool parsed = true;
  try {
    statements = parser::parse(sql);
  } catch (const Error& error) {
    writer_.error(error);
    parsed = false;
  }
  if (!parsed) {
    writer_.readyForQuery(transactionStatus_);
    co_await flush();
    co_return;
  }
  if (statements.empty()) writer_.emptyQueryResponse();
  for (auto& statement : statements) {
    StatementResult result;
    bool failed = false;
    bool copyFromClient = statement.kind == ast::StmtKind::Copy && statement.copy->isFrom &&
                          statement.copy->filename.empty();
    std::optional<Error> copyError;
    if (copyFromClient) {
      // Awaiting is not allowed inside a handler: the sub-protocol runs outside the try.
      try {
        result = co_await copyIn(*statement.copy);
      } catch (const Error& error) {
        copyError = error;
      }
      if (copyError) {
        writer_.error(*copyError);
        break;
      }
      co_await sendResult(result);
      continue;
    }
    try {
      result = database_.execute(statement);
    } catch (const Error& error) {
      writer_.error(error);
      failed = true;
    } catch (const std::bad_alloc&) {
      writer_.error(Error(SqlState::InternalError, "out of memory"));
      failed = true;
    } catch (const std::exception& error) {
      writer_.error(Error(SqlState::InternalError, error.what()));
      failed = true;
    }
    if (failed) break; // the rest of a multi-statement query is skipped, as in PostgreSQL
    if (result.commandTag == "BEGIN")
      transactionStatus_ = 'T';
    else if (result.commandTag == "COMMIT" || result.commandTag == "ROLLBACK")
      transactionStatus_ = 'I';
    co_await sendResult(result);
  }
  writer_.readyForQuery(transactionStatus_);
  co_await flush();
}

awaitable<StatementResult> Connection::copyIn(const ast::CopyStmt& copy) {
  auto parser = database_.beginCopyIn(copy);
  writer_.copyResponse('G', static_cast<int>(parser->columnCount()));
  co_await flush();
  // CopyData arrives as one message per line: drain every complete message of each read
  // without copying it, and await the socket only when the buffer runs dry. Reads take up to
  // 1 MiB: each await costs a reactor round trip and thread wake-ups.
  std::vector<char> buffer(1 << 20);
  bool done = false;
  while (!done) {
    char type;
    std::string_view body;
    auto status = decoder_.nextView(type, body);
    if (status == PgMessageDecoder::Status::Bad)
      throw Error(SqlState::ProtocolViolation, decoder_.error());
    if (status == PgMessageDecoder::Status::NeedMore) {
      boost::system::error_code error;
      size_t read = co_await socket_.async_read_some(asio::buffer(buffer),
                                                     asio::redirect_error(use_awaitable, error));
      if (error)
        throw Error(SqlState::ProtocolViolation,
                    "unexpected EOF on client connection with an open COPY");
      decoder_.feed(std::string_view(buffer.data(), read));
      continue;
    }
    if (type == 'd') {
      parser->feed(body); // complete runs of lines are parsed while more arrives
    } else if (type == 'c') {
      done = true;
    } else if (type == 'f') {
      std::string reason(body);
      if (!reason.empty() && reason.back() == '\0') reason.pop_back();
      throw Error(SqlState::QueryCanceled, "COPY from stdin failed: " + reason);
    } else if (type != 'H' && type != 'S') {
      throw Error(SqlState::ProtocolViolation, std::string("unexpected message type 0x") +
                                                   std::to_string(type) +
                                                   " during COPY from stdin");
    }
  }
  co_return database_.finishCopyIn(copy, *parser);
}

awaitable<void> Connection::sendResult(StatementResult& result) {
  for (const auto& notice : result.notices)
    writer_.notice(notice);
  for (const auto& warning : result.warnings)
    writer_.error(Error(SqlState::Warning, warning), "WARNING");
  if (result.copyOut) {
    writer_.copyResponse('H', static_cast<int>(result.columnTypes.size()));
    std::string line;
    storage::appendCopyHeader(line, result.columnNames, result.copyOptions);
    if (!line.empty()) {
      writer_.begin('d');
      writer_.bytes(line);
      writer_.finish();
    }
    for (const auto& chunk : result.rows->chunks()) {
      for (int64_t row = 0; row < chunk->rows; ++row) {
        line.clear();
        storage::appendCopyRow(line, *chunk, row, result.copyOptions);
        writer_.begin('d');
        writer_.bytes(line);
        writer_.finish();
        if (writer_.size() >= kFlushThreshold) co_await flush();
      }
    }
    writer_.begin('c');
    writer_.finish();
  }
  if (result.returnsRows) {
    writer_.rowDescription(result.columnNames, result.columnTypes);
    if (result.rows) {
      for (const auto& chunk : result.rows->chunks()) {
        for (int64_t row = 0; row < chunk->rows; ++row) {
          writeDataRow(writer_, *chunk, row);
          if (writer_.size() >= kFlushThreshold) co_await flush();
        }
      }
    }
    for (const auto& line : result.textRows)
      writeTextRow(writer_, line);
  }
  writer_.commandComplete(result.commandTag);
}

} // namespace flern::server

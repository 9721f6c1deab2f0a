// One client session: the PostgreSQL v3 startup handshake, then simple-query messages until
// Terminate. Kept alive by the coroutine that runs it; a failing statement ends the statement,
// never the session or the server.
#pragma once

#include "server/database.h"
#include "server/pg_message_decoder.h"
#include "server/pg_message_writer.h"

#include <utility> // Boost 1.74 asio/awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>

namespace flern::server {

class Connection : public std::enable_shared_from_this<Connection> {
public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  Connection(boost::asio::ip::tcp::socket socket, Strand strand, Database& database,
             int32_t processId);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs the session to its end (client Terminate, disconnect, or protocol violation).
  boost::asio::awaitable<void> run();
  /// Ends the session from any thread (the close runs on the session's strand).
  void stop();

private:
  boost::asio::awaitable<bool> readMessage(FrontendMessage& message);
  boost::asio::awaitable<void> flush();
  /// Handles the startup phase; returns false when the connection should close.
  boost::asio::awaitable<bool> startup();
  boost::asio::awaitable<void> simpleQuery(const std::string& sql);
  boost::asio::awaitable<void> sendResult(StatementResult& result);
  /// COPY ... FROM STDIN: CopyInResponse, then CopyData until CopyDone or CopyFail.
  boost::asio::awaitable<StatementResult> copyIn(const ast::CopyStmt& copy);

  void close();

  boost::asio::ip::tcp::socket socket_;
  Strand strand_;
  Database& database_;
  int32_t processId_;
  PgMessageDecoder decoder_;
  PgMessageWriter writer_;
  char transactionStatus_ = 'I';
  bool ignoreTillSync_ = false;
};

} // namespace flern::server

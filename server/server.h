// The listening server: accepts connections on a loopback (or given) address, runs each session
// as a coroutine on a small thread pool, and on SIGINT/SIGTERM stops accepting, closes sessions
// and writes a checkpoint before run() returns.
#pragma once

#include "server/database.h"

#include <utility> // Boost 1.74 asio/awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <string>

namespace flern::server {

class Connection;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5433;
  std::string dataDir = "data";
  int threads = 4;
  int64_t queryMemoryLimit = 0; ///< bytes all running queries may hold; 0: half the RAM
};

class Server {
public:
  explicit Server(ServerOptions options);
  /// Serves until a shutdown signal; returns after the final checkpoint.
  void run();

private:
  boost::asio::awaitable<void> acceptLoop();
  void shutdown();

  ServerOptions options_;
  Database database_;
  boost::asio::io_context io_;
  /// The accept loop and the shutdown signal run here, never at once: closing the acceptor
  /// while an accept is being started on another thread is a data race.
  boost::asio::strand<boost::asio::io_context::executor_type> control_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  std::mutex connectionsLock_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::atomic<int32_t> nextProcessId_{1000};
};

} // namespace flern::server

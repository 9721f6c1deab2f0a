#include "server/server.h"

#include "server/connection.h"

#include "common/stack_depth.h"
#include "ir/runtime/query_context.h"

#include <unistd.h>

#include <pthread.h>

#include <iostream>
#include <thread>

namespace flern::server {

namespace asio = boost::asio;

namespace {

int64_t defaultQueryMemoryLimit() {
  int64_t pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  return pages > 0 && pageSize > 0 ? pages * pageSize / 2 : int64_t(8) << 30;
}

} // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)), database_(options_.dataDir), control_(asio::make_strand(io_)),
      acceptor_(control_), signals_(control_, SIGINT, SIGTERM) {
  ir::setQueryMemoryLimit(options_.queryMemoryLimit > 0 ? options_.queryMemoryLimit
                                                        : defaultQueryMemoryLimit());
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

asio::awaitable<void> Server::acceptLoop() {
  while (acceptor_.is_open()) {
    boost::system::error_code error;
    auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      if (!acceptor_.is_open()) co_return;
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), error);
    // Each session runs on its own strand: its messages are handled in order, and stop() is
    // posted there rather than racing with the session's own socket operations.
    auto strand = asio::make_strand(io_);
    auto connection =
        std::make_shared<Connection>(std::move(socket), strand, database_, nextProcessId_++);
    {
      std::lock_guard guard(connectionsLock_);
      connections_.insert(connection);
    }
    asio::co_spawn(strand, connection->run(), [this, connection](std::exception_ptr) {
      std::lock_guard guard(connectionsLock_);
      connections_.erase(connection);
    });
  }
}

void Server::shutdown() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  {
    std::lock_guard guard(connectionsLock_);
    for (const auto& connection : connections_)
      connection->stop();
  }
  io_.stop();
}

void Server::run() {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error) shutdown();
  });
  asio::co_spawn(control_, acceptLoop(), asio::detached);
  std::cerr << "flern: listening on " << options_.host << ":" << acceptor_.local_endpoint().port()
            << ", data directory \"" << options_.dataDir << "\"" << std::endl;
  // Sessions run on threads with large stacks (reserved, not committed, memory): libpg_query and
  // the recursive phases of planning need depth for deeply nested statements, and Flern's own
  // phases stop with 54001 well before the end of the stack.
  constexpr size_t kStackBytes = size_t(1) << 30;
  std::vector<pthread_t> workers;
  for (int i = 0; i < options_.threads; ++i) {
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, kStackBytes);
    pthread_t thread;
    auto run = [](void* self) -> void* {
      flern::setStackBase(kStackBytes / 2);
      static_cast<Server*>(self)->io_.run();
      return nullptr;
    };
    if (pthread_create(&thread, &attributes, run, this) != 0)
      throw Error(SqlState::InternalError, "could not start a server thread");
    pthread_attr_destroy(&attributes);
    workers.push_back(thread);
  }
  for (auto& worker : workers)
    pthread_join(worker, nullptr);
  std::cerr << "flern: shutting down, writing checkpoint" << std::endl;
  database_.checkpoint();
  std::cerr << "flern: checkpoint written" << std::endl;
}

} // namespace flern::server

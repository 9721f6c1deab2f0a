// flern-server: the Flern database server.
#include "common/error.h"
#include "server/server.h"

#include <csignal>
#include <cstring>
#include <iostream>

namespace {

void usage() {
  std::cerr << "usage: flern-server [--host ADDR] [--port PORT] [--data-dir DIR] [--threads N]\n"
               "  defaults: --host 127.0.0.1 --port 5433 --data-dir data --threads 4\n";
}

} // namespace

int main(int argc, char** argv) {
  // A client that disconnects mid-result must not kill the server: write errors are handled.
  std::signal(SIGPIPE, SIG_IGN);
  flern::server::ServerOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--host")
      options.host = value();
    else if (arg == "--port")
      options.port = static_cast<uint16_t>(std::stoi(value()));
    else if (arg == "--data-dir")
      options.dataDir = value();
    else if (arg == "--threads")
      options.threads = std::max(1, std::stoi(value()));
    else {
      usage();
      return arg == "--help" ? 0 : 2;
    }
  }
  try {
    flern::server::Server server(options);
    server.run();
  } catch (const flern::Error& error) {
    std::cerr << "flern: " << error.message() << std::endl;
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "flern: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}

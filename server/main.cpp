// flern-server: the Flern database server.
#include "common/error.h"
#include "server/server.h"

#include <csignal>
#include <cstring>
#include <execinfo.h>
#include <iostream>
#include <unistd.h>

namespace {

/// Writes a backtrace to stderr on a fatal signal, then lets the signal end the process, so that
/// a crash leaves a trace in the server log.
void reportFatalSignal(int signal) {
  void* frames[64];
  int count = backtrace(frames, 64);
  const char header[] = "flern: fatal signal, backtrace:\n";
  ssize_t ignored = write(STDERR_FILENO, header, sizeof header - 1);
  (void)ignored;
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void usage() {
  std::cerr << "usage: flern-server [--host ADDR] [--port PORT] [--data-dir DIR] [--threads N]\n"
               "                    [--query-memory-mb MB]\n"
               "  defaults: --host 127.0.0.1 --port 5433 --data-dir data --threads 4,\n"
               "  query memory: half the machine's RAM\n";
}

} // namespace

int main(int argc, char** argv) {
  // A client that disconnects mid-result must not kill the server: write errors are handled.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGSEGV, reportFatalSignal);
  std::signal(SIGBUS, reportFatalSignal);
  std::signal(SIGABRT, reportFatalSignal);
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
    else if (arg == "--query-memory-mb")
      options.queryMemoryLimit = std::stoll(value()) * 1024 * 1024;
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

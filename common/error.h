// flern::Error: the one user-facing error type; maps field for field onto a PostgreSQL
// ErrorResponse.
#pragma once

#include <stdexcept>
#include <string>

namespace flern {

/// SQLSTATE codes, generated from sqlstate.def.
enum class SqlState {
#define FLERN_SQLSTATE(name, code) name,
#include "common/sqlstate.def"
#undef FLERN_SQLSTATE
};

/// The five-character code of a SQLSTATE.
const char* sqlStateCode(SqlState state);

/// The phase of query processing an error was raised in.
enum class Phase { Protocol, Parse, Plan, Lower, Jit, Execute, Storage };

/// A PostgreSQL-style error. Thrown only when the statement cannot continue.
class Error : public std::runtime_error {
public:
  Error(SqlState state, std::string message, int position = 0)
      : std::runtime_error(message), state_(state), message_(std::move(message)),
        position_(position) {}

  SqlState state() const { return state_; }
  const std::string& message() const { return message_; }
  /// 1-based character position in the statement text, 0 when unknown.
  int position() const { return position_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  /// Where the error happened (PostgreSQL's CONTEXT field), e.g. the COPY input line.
  const std::string& context() const { return context_; }

  Error& withDetail(std::string detail) {
    detail_ = std::move(detail);
    return *this;
  }
  Error& withHint(std::string hint) {
    hint_ = std::move(hint);
    return *this;
  }
  Error& withContext(std::string context) {
    if (context_.empty()) context_ = std::move(context);
    return *this;
  }
  Error& withPosition(int position) {
    if (position_ == 0) position_ = position;
    return *this;
  }

private:
  SqlState state_;
  std::string message_;
  int position_;
  std::string detail_;
  std::string hint_;
  std::string context_;
};

/// A programmer error reached in a release build: SQLSTATE XX000.
[[noreturn]] void internalError(const std::string& what);

} // namespace flern

/// Asserts an invariant that user input can never break.
#define FLERN_ASSERT(cond, why)                                                                    \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      ::flern::internalError(std::string("assertion failed: ") + #cond + " (" + (why) + ")");      \
  } while (0)

#include "common/stack_depth.h"

#include "common/error.h"

#include <cstdint>

namespace flern {

namespace {

thread_local uintptr_t stackBase = 0;
thread_local size_t usableStack = 0;

} // namespace

void setStackBase(size_t usableBytes) {
  char marker;
  stackBase = reinterpret_cast<uintptr_t>(&marker);
  usableStack = usableBytes;
}

void checkStackDepth() {
  if (stackBase == 0) return; // threads that did not opt in (tests, tools)
  char marker;
  uintptr_t here = reinterpret_cast<uintptr_t>(&marker);
  // Stacks grow downwards on every platform Flern runs on.
  if (stackBase > here && stackBase - here > usableStack)
    throw Error(SqlState::StatementTooComplex, "stack depth limit exceeded")
        .withHint("The statement is nested too deeply; simplify it.");
}

} // namespace flern

// PostgreSQL-style stack depth checking: recursive phases (AST conversion, binding, code
// generation) call checkStackDepth() and fail with 54001 instead of overflowing the stack on
// absurdly nested statements.
#pragma once

#include <cstddef>

namespace flern {

/// Records the current thread's stack base and how much of the stack statements may use.
void setStackBase(size_t usableBytes);
/// Raises 54001 when the current thread has used more than its usable stack.
void checkStackDepth();

} // namespace flern

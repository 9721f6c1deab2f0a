// Small generation helpers shared by the expression code generators (codegen*.cpp).
#pragma once

#include "ir/codegen.h"

namespace flern::ir {

/// Runs `compute` only for non-null input; the result is the type's zero otherwise.
template <typename Fn>
Value guarded(CodegenContext& ctx, Value isNull, Type type, Value zero, Fn compute) {
  Builder& b = ctx.b();
  Value slot = b.var(type);
  b.store(slot, zero);
  b.ifThen(b.logicalNot(isNull), [&] { b.store(slot, compute()); });
  return b.load(type, slot);
}

/// PostgreSQL's 22003 message for an overflow of a value of type `id`.
inline const char* outOfRangeMessage(TypeId id) {
  switch (id) {
  case TypeId::Int16:
    return "smallint out of range";
  case TypeId::Int32:
    return "integer out of range";
  case TypeId::Int64:
    return "bigint out of range";
  default:
    return "numeric field overflow";
  }
}

} // namespace flern::ir

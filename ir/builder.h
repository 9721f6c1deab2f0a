// The staging API: operators call these methods at plan time, and each call emits IR. A C++
// lambda passed to forRange/ifThen/whileLoop runs once and becomes the body of the emitted loop
// or branch, so operator code reads like an interpreter but generates a fused program.
#pragma once

#include "ir/ir.h"

#include <functional>

namespace flern::ir {

class Builder {
public:
  Builder(Module& module, Function& function);

  Module& module() { return module_; }
  Function& function() { return function_; }
  /// The function's first argument: the QueryContext (or a comparator's left row).
  Value context() const { return {function_.contextArg, Type::Ptr}; }

  Value constI1(bool v) { return constant(Type::I1, v); }
  Value constI8(int8_t v) { return constant(Type::I8, v); }
  Value constI32(int32_t v) { return constant(Type::I32, v); }
  Value constI64(int64_t v) { return constant(Type::I64, v); }
  Value constI128(__int128 v);
  Value constF32(float v);
  Value constF64(double v);
  Value nullPtr() { return constant(Type::Ptr, 0); }
  /// A string constant that lives as long as the compiled query.
  Value constStr(const std::string& text);
  Value constant(Type type, int64_t v);
  /// The run-time state registered under `name` (a pointer the executor fills in). A slot is
  /// loaded as invariant unless `reloaded`: state that WITH RECURSIVE replaces between
  /// iterations must be loaded again where it is used.
  Value slot(const std::string& name, bool reloaded = false);

  Value binary(OpCode code, Value a, Value b);
  Value unary(OpCode code, Value a);
  Value add(Value a, Value b) { return binary(OpCode::Add, a, b); }
  Value sub(Value a, Value b) { return binary(OpCode::Sub, a, b); }
  Value mul(Value a, Value b) { return binary(OpCode::Mul, a, b); }
  Value compare(OpCode code, Value a, Value b);
  Value logicalAnd(Value a, Value b) { return binary(OpCode::And, a, b); }
  Value logicalOr(Value a, Value b) { return binary(OpCode::Or, a, b); }
  Value logicalNot(Value a) { return unary(OpCode::Not, a); }
  Value select(Value cond, Value a, Value b);
  Value cast(Value v, Type to);

  Value var(Type type);
  Value load(Type type, Value address);
  void store(Value address, Value v);
  Value offset(Value pointer, Value byteOffset);
  Value offset(Value pointer, int64_t byteOffset) { return offset(pointer, constI64(byteOffset)); }

  Value call(const std::string& function, Type result, std::vector<Value> args);
  /// Stops the query with SQLSTATE `sqlState` and `message`.
  void raise(const std::string& sqlState, const std::string& message);

  void ifThen(Value cond, const std::function<void()>& then,
              const std::function<void()>& otherwise = {});
  void forRange(Value begin, Value end, const std::function<void(Value)>& body);
  void whileLoop(const std::function<Value()>& condition, const std::function<void()>& body);
  void ret();

  /// Emits any op with a result of `type` (Void for none); returns the result.
  Value emit(OpCode code, Type type, std::vector<Value> operands);
  /// Like emit, but gives access to the op for extra fields before it is appended.
  Value emitWith(OpCode code, Type type, std::vector<Value> operands,
                 const std::function<void(Op&)>& fill);

private:
  Value newValue(Type type);
  Region& current() { return *regions_.back(); }
  Region buildRegion(const std::function<void()>& body);

  Module& module_;
  Function& function_;
  std::vector<Region*> regions_;
};

} // namespace flern::ir

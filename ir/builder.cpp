#include "ir/builder.h"

#include "common/error.h"

#include <algorithm>

namespace flern::ir {

Builder::Builder(Module& module, Function& function) : module_(module), function_(function) {
  regions_.push_back(&function_.body);
}

Value Builder::newValue(Type type) {
  return {function_.valueCount++, type};
}

Value Builder::emitWith(OpCode code, Type type, std::vector<Value> operands,
                        const std::function<void(Op&)>& fill) {
  Op op;
  op.code = code;
  op.type = type;
  op.operands = std::move(operands);
  Value result;
  if (type != Type::Void) {
    result = newValue(type);
    op.result = result.id;
  }
  if (fill) fill(op);
  current().ops.push_back(std::move(op));
  return result;
}

Value Builder::emit(OpCode code, Type type, std::vector<Value> operands) {
  return emitWith(code, type, std::move(operands), {});
}

Value Builder::constant(Type type, int64_t v) {
  return emitWith(OpCode::Const, type, {}, [&](Op& op) { op.imm = v; });
}

Value Builder::constI128(__int128 v) {
  return emitWith(OpCode::Const, Type::I128, {}, [&](Op& op) { op.imm128 = v; });
}

Value Builder::constF32(float v) {
  return emitWith(OpCode::Const, Type::F32, {}, [&](Op& op) { op.fimm = v; });
}

Value Builder::constF64(double v) {
  return emitWith(OpCode::Const, Type::F64, {}, [&](Op& op) { op.fimm = v; });
}

Value Builder::constStr(const std::string& text) {
  return emitWith(OpCode::ConstStr, Type::Str, {}, [&](Op& op) { op.name = text; });
}

Value Builder::slot(const std::string& name, bool reloaded) {
  auto& names = module_.slotNames;
  auto it = std::find(names.begin(), names.end(), name);
  int64_t index = it - names.begin();
  if (it == names.end()) names.push_back(name);
  return emitWith(OpCode::Slot, Type::Ptr, {context()}, [&](Op& op) {
    op.name = name;
    op.imm = index;
    if (reloaded) op.text = "reloaded";
  });
}

Value Builder::binary(OpCode code, Value a, Value b) {
  FLERN_ASSERT(a.type == b.type, std::string("operand types differ for ") + opName(code));
  return emit(code, a.type, {a, b});
}

Value Builder::unary(OpCode code, Value a) {
  return emit(code, a.type, {a});
}

Value Builder::compare(OpCode code, Value a, Value b) {
  FLERN_ASSERT(a.type == b.type, std::string("operand types differ for ") + opName(code));
  return emit(code, Type::I1, {a, b});
}

Value Builder::select(Value cond, Value a, Value b) {
  FLERN_ASSERT(a.type == b.type, "select arms differ in type");
  return emit(OpCode::Select, a.type, {cond, a, b});
}

Value Builder::cast(Value v, Type to) {
  if (v.type == to) return v;
  return emit(OpCode::Cast, to, {v});
}

Value Builder::var(Type type) {
  return emitWith(OpCode::Var, Type::Ptr, {}, [&](Op& op) { op.elementType = type; });
}

Value Builder::load(Type type, Value address) {
  return emit(OpCode::Load, type, {address});
}

void Builder::store(Value address, Value v) {
  emit(OpCode::Store, Type::Void, {address, v});
}

Value Builder::offset(Value pointer, Value byteOffset) {
  return emit(OpCode::Offset, Type::Ptr, {pointer, byteOffset});
}

Value Builder::call(const std::string& function, Type result, std::vector<Value> args) {
  return emitWith(OpCode::Call, result, std::move(args), [&](Op& op) { op.name = function; });
}

void Builder::raise(const std::string& sqlState, const std::string& message) {
  emitWith(OpCode::Raise, Type::Void, {context()}, [&](Op& op) {
    op.name = sqlState;
    op.text = message;
  });
}

Region Builder::buildRegion(const std::function<void()>& body) {
  Region region;
  regions_.push_back(&region);
  if (body) body();
  regions_.pop_back();
  return region;
}

void Builder::ifThen(Value cond, const std::function<void()>& then,
                     const std::function<void()>& otherwise) {
  Region thenRegion = buildRegion(then);
  Region elseRegion = buildRegion(otherwise);
  emitWith(OpCode::If, Type::Void, {cond}, [&](Op& op) {
    op.regions.push_back(std::move(thenRegion));
    op.regions.push_back(std::move(elseRegion));
  });
}

void Builder::forRange(Value begin, Value end, const std::function<void(Value)>& body) {
  Value induction = newValue(Type::I64);
  Region region = buildRegion([&] { body(induction); });
  emitWith(OpCode::For, Type::Void, {begin, end}, [&](Op& op) {
    op.blockArg = induction.id;
    op.regions.push_back(std::move(region));
  });
}

void Builder::whileLoop(const std::function<Value()>& condition,
                        const std::function<void()>& body) {
  Region conditionRegion = buildRegion([&] { emit(OpCode::Yield, Type::Void, {condition()}); });
  Region bodyRegion = buildRegion(body);
  emitWith(OpCode::While, Type::Void, {}, [&](Op& op) {
    op.regions.push_back(std::move(conditionRegion));
    op.regions.push_back(std::move(bodyRegion));
  });
}

void Builder::ret() {
  emit(OpCode::Return, Type::Void, {});
}

} // namespace flern::ir

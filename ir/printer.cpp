// The IR's text form (EXPLAIN (IR) and the golden tests print it).
#include "ir/ir.h"

#include "common/types.h"

#include <sstream>

namespace flern::ir {

const char* typeName(Type type) {
  switch (type) {
  case Type::Void:
    return "void";
  case Type::I1:
    return "i1";
  case Type::I8:
    return "i8";
  case Type::I16:
    return "i16";
  case Type::I32:
    return "i32";
  case Type::I64:
    return "i64";
  case Type::I128:
    return "i128";
  case Type::F32:
    return "f32";
  case Type::F64:
    return "f64";
  case Type::Ptr:
    return "ptr";
  case Type::Str:
    return "str";
  case Type::Tensor:
    return "tensor";
  }
  return "?";
}

const char* opName(OpCode code) {
  switch (code) {
  case OpCode::Const:
    return "const";
  case OpCode::ConstStr:
    return "const.str";
  case OpCode::Slot:
    return "state.slot";
  case OpCode::Add:
    return "add";
  case OpCode::Sub:
    return "sub";
  case OpCode::Mul:
    return "mul";
  case OpCode::Div:
    return "div";
  case OpCode::Rem:
    return "rem";
  case OpCode::Neg:
    return "neg";
  case OpCode::AddChecked:
    return "add.checked";
  case OpCode::SubChecked:
    return "sub.checked";
  case OpCode::MulChecked:
    return "mul.checked";
  case OpCode::And:
    return "and";
  case OpCode::Or:
    return "or";
  case OpCode::Xor:
    return "xor";
  case OpCode::Not:
    return "not";
  case OpCode::ShrU:
    return "shr.u";
  case OpCode::Eq:
    return "cmp.eq";
  case OpCode::Ne:
    return "cmp.ne";
  case OpCode::Lt:
    return "cmp.lt";
  case OpCode::Le:
    return "cmp.le";
  case OpCode::Gt:
    return "cmp.gt";
  case OpCode::Ge:
    return "cmp.ge";
  case OpCode::Select:
    return "select";
  case OpCode::Cast:
    return "cast";
  case OpCode::Var:
    return "var";
  case OpCode::Load:
    return "load";
  case OpCode::Store:
    return "store";
  case OpCode::Offset:
    return "offset";
  case OpCode::Call:
    return "call";
  case OpCode::Raise:
    return "raise";
  case OpCode::If:
    return "if";
  case OpCode::For:
    return "for";
  case OpCode::While:
    return "while";
  case OpCode::Yield:
    return "yield";
  case OpCode::Return:
    return "return";
  case OpCode::HashTableInsert:
    return "hashtable.insert";
  case OpCode::HashTableFind:
    return "hashtable.find";
  case OpCode::HashTableNext:
    return "hashtable.next";
  case OpCode::HashTableHashOf:
    return "hashtable.hash_of";
  case OpCode::HashTableBuild:
    return "hashtable.build";
  case OpCode::HashTableSize:
    return "hashtable.size";
  case OpCode::HashTableEntryAt:
    return "hashtable.entry_at";
  case OpCode::SortAppend:
    return "sort.append";
  case OpCode::SortRun:
    return "sort.run";
  case OpCode::SortSize:
    return "sort.size";
  case OpCode::SortRowAt:
    return "sort.row_at";
  case OpCode::TensorConst:
    return "tensor.const";
  case OpCode::TensorFromScalars:
    return "tensor.from_scalars";
  case OpCode::TensorMatVec:
    return "tensor.matvec";
  case OpCode::TensorMatMul:
    return "tensor.matmul";
  case OpCode::TensorAdd:
    return "tensor.add";
  case OpCode::TensorMul:
    return "tensor.mul";
  case OpCode::TensorRelu:
    return "tensor.relu";
  case OpCode::TensorSigmoid:
    return "tensor.sigmoid";
  case OpCode::TensorExtract:
    return "tensor.extract";
  case OpCode::TensorGramAccumulate:
    return "tensor.gram_accumulate";
  }
  return "?";
}

namespace {

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string text = "tensor<";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text + "xf64>";
}

void printRegion(std::ostringstream& out, const Region& region, int indent);

void printOp(std::ostringstream& out, const Op& op, int indent) {
  std::string pad(indent * 2, ' ');
  out << pad;
  if (op.result >= 0) out << "%" << op.result << " = ";
  out << opName(op.code);
  if (op.code == OpCode::For) out << " %" << op.blockArg << " in";
  if (op.code == OpCode::Call || op.code == OpCode::Slot || op.code == OpCode::SortRun)
    out << " @" << op.name;
  if (op.code == OpCode::ConstStr) out << " \"" << op.name << "\"";
  if (op.code == OpCode::Raise) out << " " << op.name << " \"" << op.text << "\"";
  for (size_t i = 0; i < op.operands.size(); ++i)
    out << (i ? ", " : " ") << "%" << op.operands[i].id;
  if (op.code == OpCode::Const) {
    if (isFloat(op.type))
      out << " " << formatFloat64(op.fimm);
    else if (op.type == Type::I128)
      out << " " << formatNumeric(op.imm128, 0);
    else
      out << " " << op.imm;
  }
  if (op.code == OpCode::TensorExtract) out << "[" << op.imm << "]";
  if (op.code == OpCode::TensorConst) {
    out << " [";
    for (size_t i = 0; i < op.tensorData.size(); ++i)
      out << (i ? ", " : "") << formatFloat64(op.tensorData[i]);
    out << "]";
  }
  if (op.code == OpCode::Var) out << " " << typeName(op.elementType);
  if (op.type == Type::Tensor)
    out << " : " << shapeText(op.shape);
  else if (op.type != Type::Void)
    out << " : " << typeName(op.type);
  if (op.regions.empty()) {
    out << "\n";
    return;
  }
  for (size_t i = 0; i < op.regions.size(); ++i) {
    if (op.code == OpCode::If && i == 1 && op.regions[1].ops.empty()) break;
    out << (i ? (op.code == OpCode::If ? " else" : " do") : "") << " {\n";
    printRegion(out, op.regions[i], indent + 1);
    out << pad << "}";
  }
  out << "\n";
}

void printRegion(std::ostringstream& out, const Region& region, int indent) {
  for (const auto& op : region.ops)
    printOp(out, op, indent);
}

} // namespace

std::string print(const Module& module) {
  std::ostringstream out;
  for (size_t i = 0; i < module.slotNames.size(); ++i)
    out << "state @" << module.slotNames[i] << " = slot " << i << "\n";
  for (const auto& function : module.functions) {
    if (function->isComparator)
      out << "func @" << function->name << "(%" << function->contextArg << ": ptr, %"
          << function->secondArg << ": ptr) -> i32 {\n";
    else
      out << "func @" << function->name << "(%" << function->contextArg << ": ptr) {\n";
    printRegion(out, function->body, 1);
    out << "}\n";
  }
  return out.str();
}

} // namespace flern::ir

// The Flern IR: one structured, typed IR holding scalar code, relational objects (hash tables,
// sort buffers) and tensor operations side by side.
//
// A Function is a tree of Regions (straight-line op lists); control flow is structured (for,
// while, if), so relational and tensor ops stay recognisable until jit/ lowers them. Values are
// SSA: each op defines at most one result, and a value defined in a region is visible only in
// that region and the regions nested in it. Mutable locals are `var` slots (promoted to SSA
// registers by LLVM's mem2reg after lowering).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace flern::ir {

/// Machine-level types of IR values. Tensor values carry their shape in Op::shape.
enum class Type : uint8_t { Void, I1, I8, I16, I32, I64, I128, F32, F64, Ptr, Str, Tensor };

inline bool isFloat(Type type) {
  return type == Type::F32 || type == Type::F64;
}

const char* typeName(Type type);

/// A handle to the result of an op.
struct Value {
  int id = -1;
  Type type = Type::Void;
  bool valid() const { return id >= 0; }
};

enum class OpCode : uint8_t {
  // constants and state
  Const,    ///< integer/float/ptr-null constant in imm/fimm
  ConstStr, ///< string constant in `name`
  Slot,     ///< run-time state pointer registered under `name` (index in imm); text "reloaded":
            ///< the pointer may change during the query (not an invariant load)
  // scalar arithmetic and logic (integer ops are signed)
  Add,
  Sub,
  Mul,
  Div,
  Rem,
  Neg,
  AddChecked,
  SubChecked,
  MulChecked, ///< raise 22003 on overflow
  And,
  Or,
  Xor,
  Not,
  ShrU,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Select, ///< operands: cond, a, b
  Cast,   ///< operand converted to `type` (sext/trunc/int<->float)
  // memory
  Var,    ///< a mutable local of type `elementType`; result is its address
  Load,   ///< operand: address; result type `type`
  Store,  ///< operands: address, value
  Offset, ///< operands: pointer, byte offset (i64)
  // calls and control
  Call,  ///< runtime function `name` with operands
  Raise, ///< raise SQLSTATE `name` with message in `text`
  If,    ///< operand: cond; regions: then, else
  For,   ///< operands: begin, end (i64); region 0 gets the induction variable `blockArg`
  While, ///< region 0: condition (ends with Yield of an i1); region 1: body
  Yield, ///< operand: value produced by a condition region
  Return,
  // relational objects
  HashTableInsert,  ///< operands: table, hash; result: entry payload pointer
  HashTableFind,    ///< operands: table, hash; result: first entry with that hash bucket, or null
  HashTableNext,    ///< operands: entry; result: next entry in the same bucket chain, or null
  HashTableHashOf,  ///< operands: entry; result: the stored hash
  HashTableBuild,   ///< operands: table; ends the build phase (the directory grows on insert)
  HashTableSize,    ///< operands: table; result: entry count
  HashTableEntryAt, ///< operands: table, index; result: entry payload pointer
  SortAppend,       ///< operands: buffer; result: pointer to fresh row storage
  SortRun,          ///< operands: buffer; sorts rows with the comparator function `name`
  SortSize,         ///< operands: buffer; result: row count
  SortRowAt,        ///< operands: buffer, index; result: row pointer in sorted order
  // tensor operations (shapes in `shape`, row-major f64)
  TensorConst,          ///< constant tensor with data in `tensorData`
  TensorFromScalars,    ///< operands: f64 scalars; result: vector
  TensorMatVec,         ///< operands: matrix, vector
  TensorMatMul,         ///< operands: a, b
  TensorAdd,            ///< elementwise a + b
  TensorMul,            ///< elementwise a * b
  TensorRelu,           ///< elementwise max(0, a)
  TensorSigmoid,        ///< elementwise 1 / (1 + exp(-a))
  TensorExtract,        ///< operand: tensor; element index in imm; result f64
  TensorGramAccumulate, ///< operands: state ptr, feature vector, target f64: adds x x^T and x y
};

const char* opName(OpCode code);

struct Op;

/// A straight-line list of ops.
struct Region {
  std::vector<Op> ops;
};

struct Op {
  OpCode code;
  Type type = Type::Void; ///< result type
  int result = -1;        ///< result value id, -1 when none
  std::vector<Value> operands;
  int64_t imm = 0;
  double fimm = 0;
  __int128 imm128 = 0;
  std::string name;
  std::string text;
  Type elementType = Type::Void;  ///< Var element type
  std::vector<int64_t> shape;     ///< tensor result shape
  std::vector<double> tensorData; ///< TensorConst data
  int blockArg = -1;              ///< For's induction variable id
  std::vector<Region> regions;
};

/// A function the JIT compiles: `void name(QueryContext*)`, or a sort comparator
/// `i32 name(ptr, ptr)` when isComparator.
struct Function {
  std::string name;
  bool isComparator = false;
  Region body;
  int valueCount = 0;
  int contextArg = -1; ///< value id of the context (or first row) argument
  int secondArg = -1;  ///< value id of the comparator's second row
};

/// One compilation unit: the query function, its helpers, and the names of its state slots.
struct Module {
  std::vector<std::unique_ptr<Function>> functions;
  std::vector<std::string> slotNames;
  std::string entry;
};

/// The readable text form of a module.
std::string print(const Module& module);

} // namespace flern::ir

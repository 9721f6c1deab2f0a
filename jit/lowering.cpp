#include "jit/lowering.h"

#include "common/error.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <map>

namespace flern::jit {

namespace {

using ir::Op;
using ir::OpCode;
using ir::Type;

class FunctionLowering {
public:
  FunctionLowering(llvm::Module& module, const ir::Function& function, const std::string& suffix)
      : module_(module), context_(module.getContext()), builder_(context_), function_(function),
        suffix_(suffix), values_(function.valueCount, nullptr) {}

  void lower() {
    auto* ptrType = builder_.getPtrTy();
    llvm::FunctionType* type =
        function_.isComparator
            ? llvm::FunctionType::get(builder_.getInt32Ty(), {ptrType, ptrType}, false)
            : llvm::FunctionType::get(builder_.getVoidTy(), {ptrType}, false);
    llvmFunction_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                           function_.name + suffix_, module_);
    entry_ = llvm::BasicBlock::Create(context_, "entry", llvmFunction_);
    llvm::BasicBlock* body = llvm::BasicBlock::Create(context_, "body", llvmFunction_);
    builder_.SetInsertPoint(body);
    values_[function_.contextArg] = llvmFunction_->getArg(0);
    if (function_.isComparator) values_[function_.secondArg] = llvmFunction_->getArg(1);
    lowerRegion(function_.body);
    if (!builder_.GetInsertBlock()->getTerminator()) {
      if (function_.isComparator)
        builder_.CreateRet(builder_.getInt32(0));
      else
        builder_.CreateRetVoid();
    }
    llvm::IRBuilder<> entryBuilder(entry_);
    entryBuilder.CreateBr(body);
  }

private:
  llvm::Type* llvmType(Type type) {
    switch (type) {
    case Type::Void:
      return builder_.getVoidTy();
    case Type::I1:
      return builder_.getInt1Ty();
    case Type::I8:
      return builder_.getInt8Ty();
    case Type::I16:
      return builder_.getInt16Ty();
    case Type::I32:
      return builder_.getInt32Ty();
    case Type::I64:
      return builder_.getInt64Ty();
    case Type::I128:
    case Type::Str:
      return builder_.getInt128Ty();
    case Type::F32:
      return builder_.getFloatTy();
    case Type::F64:
      return builder_.getDoubleTy();
    case Type::Ptr:
      return builder_.getPtrTy();
    case Type::Tensor:
      break;
    }
    internalError("tensor values have no scalar LLVM type");
  }

  llvm::Value* get(const ir::Value& value) {
    llvm::Value* result = values_.at(value.id);
    FLERN_ASSERT(result != nullptr,
                 "IR value used before its definition: %" + std::to_string(value.id));
    return result;
  }
  std::vector<llvm::Value*>& tensor(const ir::Value& value) { return tensors_.at(value.id); }

  void define(const Op& op, llvm::Value* value) {
    if (op.result >= 0) values_[op.result] = value;
  }

  llvm::Align alignOf(Type type) {
    switch (type) {
    case Type::I1:
    case Type::I8:
      return llvm::Align(1);
    case Type::I16:
      return llvm::Align(2);
    case Type::I32:
    case Type::F32:
      return llvm::Align(4);
    default:
      return llvm::Align(8);
    }
  }

  /// Starts a fresh block after a terminator so that ops after it still have a place to go.
  void continueInDeadBlock() {
    builder_.SetInsertPoint(llvm::BasicBlock::Create(context_, "dead", llvmFunction_));
  }

  llvm::FunctionCallee runtime(const std::string& name, llvm::Type* result,
                               std::vector<llvm::Type*> params) {
    return module_.getOrInsertFunction(name, llvm::FunctionType::get(result, params, false));
  }

  llvm::Value* globalString(const std::string& text) {
    auto it = strings_.find(text);
    if (it != strings_.end()) return it->second;
    llvm::Value* global = builder_.CreateGlobalStringPtr(text, "str");
    strings_[text] = global;
    return global;
  }

  void raise(const std::string& sqlState, const std::string& message) {
    auto* ptrType = builder_.getPtrTy();
    auto callee = runtime("flern_rt_raise", builder_.getVoidTy(), {ptrType, ptrType, ptrType});
    auto* call = builder_.CreateCall(
        callee, {llvmFunction_->getArg(0), globalString(sqlState), globalString(message)});
    call->setDoesNotReturn();
    builder_.CreateUnreachable();
  }

  void lowerRegion(const ir::Region& region) {
    for (const auto& op : region.ops)
      lowerOp(op);
  }

  void lowerChecked(const Op& op) {
    llvm::Intrinsic::ID id = op.code == OpCode::AddChecked   ? llvm::Intrinsic::sadd_with_overflow
                             : op.code == OpCode::SubChecked ? llvm::Intrinsic::ssub_with_overflow
                                                             : llvm::Intrinsic::smul_with_overflow;
    llvm::Value* a = get(op.operands[0]);
    llvm::Value* b = get(op.operands[1]);
    llvm::Value* pair = builder_.CreateBinaryIntrinsic(id, a, b);
    llvm::Value* overflow = builder_.CreateExtractValue(pair, 1);
    auto* fail = llvm::BasicBlock::Create(context_, "overflow", llvmFunction_);
    auto* ok = llvm::BasicBlock::Create(context_, "ok", llvmFunction_);
    builder_.CreateCondBr(overflow, fail, ok,
                          llvm::MDBuilder(context_).createUnlikelyBranchWeights());
    builder_.SetInsertPoint(fail);
    raise("22003", op.text.empty() ? "value out of range" : op.text);
    builder_.SetInsertPoint(ok);
    define(op, builder_.CreateExtractValue(pair, 0));
  }

  llvm::Value* compare(const Op& op, llvm::Value* a, llvm::Value* b) {
    Type type = op.operands[0].type;
    if (ir::isFloat(type)) {
      switch (op.code) {
      case OpCode::Eq:
        return builder_.CreateFCmpOEQ(a, b);
      case OpCode::Ne:
        return builder_.CreateFCmpUNE(a, b);
      case OpCode::Lt:
        return builder_.CreateFCmpOLT(a, b);
      case OpCode::Le:
        return builder_.CreateFCmpOLE(a, b);
      case OpCode::Gt:
        return builder_.CreateFCmpOGT(a, b);
      default:
        return builder_.CreateFCmpOGE(a, b);
      }
    }
    bool isUnsigned = type == Type::I1 || type == Type::Ptr;
    switch (op.code) {
    case OpCode::Eq:
      return builder_.CreateICmpEQ(a, b);
    case OpCode::Ne:
      return builder_.CreateICmpNE(a, b);
    case OpCode::Lt:
      return isUnsigned ? builder_.CreateICmpULT(a, b) : builder_.CreateICmpSLT(a, b);
    case OpCode::Le:
      return isUnsigned ? builder_.CreateICmpULE(a, b) : builder_.CreateICmpSLE(a, b);
    case OpCode::Gt:
      return isUnsigned ? builder_.CreateICmpUGT(a, b) : builder_.CreateICmpSGT(a, b);
    default:
      return isUnsigned ? builder_.CreateICmpUGE(a, b) : builder_.CreateICmpSGE(a, b);
    }
  }

  llvm::Value* castValue(llvm::Value* value, Type from, Type to) {
    llvm::Type* target = llvmType(to);
    bool fromFloat = ir::isFloat(from), toFloat = ir::isFloat(to);
    if (fromFloat && toFloat) {
      if (from == to) return value;
      return to == Type::F64 ? builder_.CreateFPExt(value, target)
                             : builder_.CreateFPTrunc(value, target);
    }
    if (fromFloat) return builder_.CreateFPToSI(value, target);
    if (toFloat) return builder_.CreateSIToFP(value, target);
    unsigned fromBits = value->getType()->getIntegerBitWidth();
    unsigned toBits = target->getIntegerBitWidth();
    if (toBits < fromBits) return builder_.CreateTrunc(value, target);
    if (toBits > fromBits)
      return from == Type::I1 ? builder_.CreateZExt(value, target)
                              : builder_.CreateSExt(value, target);
    return value;
  }

  llvm::Value* constString(const std::string& text) {
    // Layout of StringRef as one i128: length (bits 0-31), 4-byte prefix (32-63), then either
    // 8 inline bytes or a pointer (64-127).
    llvm::APInt bits(128, text.size());
    size_t inlineBytes = std::min<size_t>(text.size(), text.size() <= 12 ? 12 : 4);
    for (size_t i = 0; i < inlineBytes; ++i)
      bits |= llvm::APInt(128, static_cast<unsigned char>(text[i])) << (32 + 8 * i);
    llvm::Value* value = builder_.getInt(bits);
    if (text.size() <= 12) return value;
    llvm::Value* address = builder_.CreatePtrToInt(globalString(text), builder_.getInt128Ty());
    return builder_.CreateOr(value, builder_.CreateShl(address, 64));
  }

  void lowerFor(const Op& op) {
    llvm::Value* begin = get(op.operands[0]);
    llvm::Value* end = get(op.operands[1]);
    llvm::BasicBlock* preheader = builder_.GetInsertBlock();
    auto* header = llvm::BasicBlock::Create(context_, "for.header", llvmFunction_);
    auto* body = llvm::BasicBlock::Create(context_, "for.body", llvmFunction_);
    auto* exit = llvm::BasicBlock::Create(context_, "for.exit", llvmFunction_);
    builder_.CreateBr(header);
    builder_.SetInsertPoint(header);
    llvm::PHINode* induction = builder_.CreatePHI(builder_.getInt64Ty(), 2, "i");
    induction->addIncoming(begin, preheader);
    builder_.CreateCondBr(builder_.CreateICmpSLT(induction, end), body, exit);
    builder_.SetInsertPoint(body);
    values_[op.blockArg] = induction;
    lowerRegion(op.regions[0]);
    llvm::Value* next = builder_.CreateAdd(induction, builder_.getInt64(1), "", true, true);
    induction->addIncoming(next, builder_.GetInsertBlock());
    builder_.CreateBr(header);
    builder_.SetInsertPoint(exit);
  }

  void lowerWhile(const Op& op) {
    auto* header = llvm::BasicBlock::Create(context_, "while.cond", llvmFunction_);
    auto* body = llvm::BasicBlock::Create(context_, "while.body", llvmFunction_);
    auto* exit = llvm::BasicBlock::Create(context_, "while.exit", llvmFunction_);
    builder_.CreateBr(header);
    builder_.SetInsertPoint(header);
    const auto& condition = op.regions[0].ops;
    for (size_t i = 0; i + 1 < condition.size(); ++i)
      lowerOp(condition[i]);
    FLERN_ASSERT(!condition.empty() && condition.back().code == OpCode::Yield,
                 "while condition must end in yield");
    builder_.CreateCondBr(get(condition.back().operands[0]), body, exit);
    builder_.SetInsertPoint(body);
    lowerRegion(op.regions[1]);
    builder_.CreateBr(header);
    builder_.SetInsertPoint(exit);
  }

  void lowerIf(const Op& op) {
    auto* thenBlock = llvm::BasicBlock::Create(context_, "then", llvmFunction_);
    auto* elseBlock = llvm::BasicBlock::Create(context_, "else", llvmFunction_);
    auto* merge = llvm::BasicBlock::Create(context_, "endif", llvmFunction_);
    builder_.CreateCondBr(get(op.operands[0]), thenBlock, elseBlock);
    builder_.SetInsertPoint(thenBlock);
    lowerRegion(op.regions[0]);
    builder_.CreateBr(merge);
    builder_.SetInsertPoint(elseBlock);
    lowerRegion(op.regions[1]);
    builder_.CreateBr(merge);
    builder_.SetInsertPoint(merge);
  }

  void lowerTensor(const Op& op) {
    switch (op.code) {
    case OpCode::TensorConst: {
      auto& out = tensors_[op.result];
      for (double v : op.tensorData)
        out.push_back(llvm::ConstantFP::get(builder_.getDoubleTy(), v));
      return;
    }
    case OpCode::TensorFromScalars: {
      auto& out = tensors_[op.result];
      for (const auto& operand : op.operands)
        out.push_back(get(operand));
      return;
    }
    case OpCode::TensorMatVec: {
      // Small static shapes: unrolled dot products; multiplications by zero weights fold away.
      auto& matrix = tensor(op.operands[0]);
      auto& vector = tensor(op.operands[1]);
      size_t columns = vector.size(), rows = matrix.size() / columns;
      std::vector<llvm::Value*> out;
      for (size_t r = 0; r < rows; ++r) {
        llvm::Value* sum = nullptr;
        for (size_t c = 0; c < columns; ++c) {
          llvm::Value* term = builder_.CreateFMul(matrix[r * columns + c], vector[c]);
          sum = sum ? builder_.CreateFAdd(sum, term) : term;
        }
        out.push_back(sum ? sum : llvm::ConstantFP::get(builder_.getDoubleTy(), 0.0));
      }
      tensors_[op.result] = out;
      return;
    }
    case OpCode::TensorMatMul: {
      auto& a = tensor(op.operands[0]);
      auto& b = tensor(op.operands[1]);
      int64_t m = op.shape[0], n = op.shape[1];
      int64_t k = static_cast<int64_t>(a.size()) / m;
      std::vector<llvm::Value*> out;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          llvm::Value* sum = llvm::ConstantFP::get(builder_.getDoubleTy(), 0.0);
          for (int64_t x = 0; x < k; ++x)
            sum = builder_.CreateFAdd(sum, builder_.CreateFMul(a[i * k + x], b[x * n + j]));
          out.push_back(sum);
        }
      tensors_[op.result] = out;
      return;
    }
    case OpCode::TensorAdd:
    case OpCode::TensorMul: {
      auto& a = tensor(op.operands[0]);
      auto& b = tensor(op.operands[1]);
      std::vector<llvm::Value*> out;
      for (size_t i = 0; i < a.size(); ++i)
        out.push_back(op.code == OpCode::TensorAdd ? builder_.CreateFAdd(a[i], b[i])
                                                   : builder_.CreateFMul(a[i], b[i]));
      tensors_[op.result] = out;
      return;
    }
    case OpCode::TensorRelu:
    case OpCode::TensorSigmoid: {
      auto& a = tensor(op.operands[0]);
      std::vector<llvm::Value*> out;
      auto* zero = llvm::ConstantFP::get(builder_.getDoubleTy(), 0.0);
      auto* one = llvm::ConstantFP::get(builder_.getDoubleTy(), 1.0);
      for (auto* x : a) {
        if (op.code == OpCode::TensorRelu) {
          out.push_back(builder_.CreateSelect(builder_.CreateFCmpOGT(x, zero), x, zero));
        } else {
          llvm::Value* e =
              builder_.CreateUnaryIntrinsic(llvm::Intrinsic::exp, builder_.CreateFNeg(x));
          out.push_back(builder_.CreateFDiv(one, builder_.CreateFAdd(one, e)));
        }
      }
      tensors_[op.result] = out;
      return;
    }
    case OpCode::TensorExtract:
      define(op, tensor(op.operands[0]).at(op.imm));
      return;
    case OpCode::TensorGramAccumulate: {
      llvm::Value* state = get(op.operands[0]);
      auto& x = tensor(op.operands[1]);
      llvm::Value* y = get(op.operands[2]);
      size_t k = x.size();
      auto accumulate = [&](size_t index, llvm::Value* addend) {
        llvm::Value* address = builder_.CreateConstGEP1_64(builder_.getDoubleTy(), state, index);
        llvm::Value* current = builder_.CreateLoad(builder_.getDoubleTy(), address);
        builder_.CreateStore(builder_.CreateFAdd(current, addend), address);
      };
      for (size_t i = 0; i < k; ++i)
        for (size_t j = 0; j < k; ++j)
          accumulate(i * k + j, builder_.CreateFMul(x[i], x[j]));
      for (size_t i = 0; i < k; ++i)
        accumulate(k * k + i, builder_.CreateFMul(x[i], y));
      accumulate(k * k + k, llvm::ConstantFP::get(builder_.getDoubleTy(), 1.0));
      return;
    }
    default:
      internalError(std::string("not a tensor op: ") + ir::opName(op.code));
    }
  }

  /// Constants, slots and arithmetic, compare and cast ops; false for any other op.
  bool lowerScalarOp(const Op& op) {
    auto* ptrType = builder_.getPtrTy();
    switch (op.code) {
    case OpCode::Const:
      if (ir::isFloat(op.type))
        define(op, llvm::ConstantFP::get(llvmType(op.type), op.fimm));
      else if (op.type == Type::Ptr)
        define(op, llvm::ConstantPointerNull::get(ptrType));
      else if (op.type == Type::I128)
        define(op, builder_.getInt(llvm::APInt(128, {static_cast<uint64_t>(op.imm128),
                                                     static_cast<uint64_t>(op.imm128 >> 64)})));
      else
        define(op, llvm::ConstantInt::get(llvmType(op.type), op.imm, true));
      return true;
    case OpCode::ConstStr:
      define(op, constString(op.name));
      return true;
    case OpCode::Slot: {
      llvm::Value* slots = builder_.CreateLoad(ptrType, get(op.operands[0]));
      llvm::Value* address = builder_.CreateConstGEP1_64(ptrType, slots, op.imm);
      auto* load = builder_.CreateLoad(ptrType, address, op.name);
      if (op.text != "reloaded")
        load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(context_, {}));
      define(op, load);
      return true;
    }
    case OpCode::Add:
      define(op, ir::isFloat(op.type)
                     ? builder_.CreateFAdd(get(op.operands[0]), get(op.operands[1]))
                     : builder_.CreateAdd(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Sub:
      define(op, ir::isFloat(op.type)
                     ? builder_.CreateFSub(get(op.operands[0]), get(op.operands[1]))
                     : builder_.CreateSub(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Mul:
      define(op, ir::isFloat(op.type)
                     ? builder_.CreateFMul(get(op.operands[0]), get(op.operands[1]))
                     : builder_.CreateMul(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Div:
      define(op, ir::isFloat(op.type)
                     ? builder_.CreateFDiv(get(op.operands[0]), get(op.operands[1]))
                     : builder_.CreateSDiv(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Rem:
      define(op, ir::isFloat(op.type)
                     ? builder_.CreateFRem(get(op.operands[0]), get(op.operands[1]))
                     : builder_.CreateSRem(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Neg:
      define(op, ir::isFloat(op.type) ? builder_.CreateFNeg(get(op.operands[0]))
                                      : builder_.CreateNeg(get(op.operands[0])));
      return true;
    case OpCode::AddChecked:
    case OpCode::SubChecked:
    case OpCode::MulChecked:
      lowerChecked(op);
      return true;
    case OpCode::And:
      define(op, builder_.CreateAnd(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Or:
      define(op, builder_.CreateOr(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Xor:
      define(op, builder_.CreateXor(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::ShrU:
      define(op, builder_.CreateLShr(get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Not:
      define(op, builder_.CreateNot(get(op.operands[0])));
      return true;
    case OpCode::Eq:
    case OpCode::Ne:
    case OpCode::Lt:
    case OpCode::Le:
    case OpCode::Gt:
    case OpCode::Ge:
      define(op, compare(op, get(op.operands[0]), get(op.operands[1])));
      return true;
    case OpCode::Select:
      define(op,
             builder_.CreateSelect(get(op.operands[0]), get(op.operands[1]), get(op.operands[2])));
      return true;
    case OpCode::Cast:
      define(op, castValue(get(op.operands[0]), op.operands[0].type, op.type));
      return true;
    default:
      return false;
    }
  }

  void lowerOp(const Op& op) {
    auto* ptrType = builder_.getPtrTy();
    auto* i64 = builder_.getInt64Ty();
    if (lowerScalarOp(op)) return;
    switch (op.code) {
    case OpCode::Var: {
      llvm::IRBuilder<> entryBuilder(entry_, entry_->begin());
      define(op, entryBuilder.CreateAlloca(llvmType(op.elementType)));
      return;
    }
    case OpCode::Load:
      define(op,
             builder_.CreateAlignedLoad(llvmType(op.type), get(op.operands[0]), alignOf(op.type)));
      return;
    case OpCode::Store:
      builder_.CreateAlignedStore(get(op.operands[1]), get(op.operands[0]),
                                  alignOf(op.operands[1].type));
      return;
    case OpCode::Offset:
      define(op,
             builder_.CreateGEP(builder_.getInt8Ty(), get(op.operands[0]), get(op.operands[1])));
      return;
    case OpCode::Call: {
      std::vector<llvm::Type*> params;
      std::vector<llvm::Value*> args;
      for (const auto& operand : op.operands) {
        params.push_back(llvmType(operand.type));
        args.push_back(get(operand));
      }
      llvm::Value* result = builder_.CreateCall(runtime(op.name, llvmType(op.type), params), args);
      define(op, result);
      return;
    }
    case OpCode::Raise:
      raise(op.name, op.text);
      continueInDeadBlock();
      return;
    case OpCode::If:
      lowerIf(op);
      return;
    case OpCode::For:
      lowerFor(op);
      return;
    case OpCode::While:
      lowerWhile(op);
      return;
    case OpCode::Yield:
      FLERN_ASSERT(function_.isComparator, "yield outside a condition or comparator");
      builder_.CreateRet(get(op.operands[0]));
      continueInDeadBlock();
      return;
    case OpCode::Return:
      builder_.CreateRetVoid();
      continueInDeadBlock();
      return;
    case OpCode::HashTableInsert:
      define(op, builder_.CreateCall(runtime("flern_rt_hashtable_insert", ptrType, {ptrType, i64}),
                                     {get(op.operands[0]), get(op.operands[1])}));
      return;
    case OpCode::HashTableFind: {
      // Inline probe: directory[hash & mask] (HashTable ABI: directory, then mask).
      llvm::Value* table = get(op.operands[0]);
      llvm::Value* directory = builder_.CreateLoad(ptrType, table);
      llvm::Value* mask =
          builder_.CreateLoad(i64, builder_.CreateConstGEP1_64(builder_.getInt8Ty(), table, 8));
      llvm::Value* bucket = builder_.CreateAnd(get(op.operands[1]), mask);
      define(op, builder_.CreateLoad(ptrType, builder_.CreateGEP(ptrType, directory, bucket)));
      return;
    }
    case OpCode::HashTableNext:
      define(op, builder_.CreateLoad(ptrType, builder_.CreateConstGEP1_64(
                                                  builder_.getInt8Ty(), get(op.operands[0]), -16)));
      return;
    case OpCode::HashTableHashOf:
      define(op, builder_.CreateLoad(i64, builder_.CreateConstGEP1_64(builder_.getInt8Ty(),
                                                                      get(op.operands[0]), -8)));
      return;
    case OpCode::HashTableBuild:
      return; // the directory is maintained on insert
    case OpCode::HashTableSize:
      define(op, builder_.CreateCall(runtime("flern_rt_hashtable_size", i64, {ptrType}),
                                     {get(op.operands[0])}));
      return;
    case OpCode::HashTableEntryAt:
      define(op,
             builder_.CreateCall(runtime("flern_rt_hashtable_entry_at", ptrType, {ptrType, i64}),
                                 {get(op.operands[0]), get(op.operands[1])}));
      return;
    case OpCode::SortAppend:
      define(op, builder_.CreateCall(runtime("flern_rt_sort_append", ptrType, {ptrType}),
                                     {get(op.operands[0])}));
      return;
    case OpCode::SortRun: {
      llvm::Function* comparator = module_.getFunction(op.name + suffix_);
      FLERN_ASSERT(comparator != nullptr, "sort comparator must be lowered before its use");
      builder_.CreateCall(runtime("flern_rt_sort_run", builder_.getVoidTy(), {ptrType, ptrType}),
                          {get(op.operands[0]), comparator});
      return;
    }
    case OpCode::SortSize:
      define(op, builder_.CreateCall(runtime("flern_rt_sort_size", i64, {ptrType}),
                                     {get(op.operands[0])}));
      return;
    case OpCode::SortRowAt:
      define(op, builder_.CreateCall(runtime("flern_rt_sort_row_at", ptrType, {ptrType, i64}),
                                     {get(op.operands[0]), get(op.operands[1])}));
      return;
    default:
      lowerTensor(op);
      return;
    }
  }

  llvm::Module& module_;
  llvm::LLVMContext& context_;
  llvm::IRBuilder<> builder_;
  const ir::Function& function_;
  std::string suffix_;
  std::vector<llvm::Value*> values_;
  std::map<int, std::vector<llvm::Value*>> tensors_;
  std::map<std::string, llvm::Value*> strings_;
  llvm::Function* llvmFunction_ = nullptr;
  llvm::BasicBlock* entry_ = nullptr;
};

} // namespace

std::unique_ptr<llvm::Module> lowerModule(const ir::Module& module, llvm::LLVMContext& context,
                                          const std::string& suffix) {
  auto llvmModule = std::make_unique<llvm::Module>("flern_query" + suffix, context);
  // Comparators first: the query function takes their addresses.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& function : module.functions)
      if (function->isComparator == (pass == 0))
        FunctionLowering(*llvmModule, *function, suffix).lower();
  std::string problems;
  llvm::raw_string_ostream stream(problems);
  if (llvm::verifyModule(*llvmModule, &stream))
    internalError("generated LLVM IR is invalid: " + problems);
  return llvmModule;
}

} // namespace flern::jit

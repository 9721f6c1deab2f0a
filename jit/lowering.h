// Flern IR -> LLVM IR. Every op kind has one lowering; relational objects (hashtable.*, sort.*)
// become inline loads or runtime calls, tensor ops with small static shapes become unrolled
// scalar code with constant weights folded in. Nothing of the Flern IR survives lowering.
#pragma once

#include "ir/ir.h"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <memory>

namespace flern::jit {

/// Lowers `module`; function names get `suffix` so that many queries share one JIT dylib.
std::unique_ptr<llvm::Module> lowerModule(const ir::Module& module, llvm::LLVMContext& context,
                                          const std::string& suffix);

} // namespace flern::jit

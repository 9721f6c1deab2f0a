// The JIT: lowers Flern IR to LLVM IR, optimizes it with a short pass list, and compiles it with
// ORC LLJIT. LLVM headers stay inside jit/; this header is the whole public surface.
#pragma once

#include "ir/ir.h"

#include <memory>
#include <string>

namespace flern::jit {

/// Where compile time went, in milliseconds.
struct CompileStats {
  double lowerMs = 0;
  double optimizeMs = 0;
  double codegenMs = 0;
  size_t llvmInstructions = 0;
  double totalMs() const { return lowerMs + optimizeMs + codegenMs; }
};

/// Native code for one query; frees it when destroyed.
class CompiledQuery {
public:
  virtual ~CompiledQuery() = default;
  /// The query function: `void(QueryContext*)`.
  virtual void (*entry() const)(void*) = 0;
  virtual const CompileStats& stats() const = 0;
};

class JitEngine {
public:
  virtual ~JitEngine() = default;
  /// Builds the engine (one per process); raises XX000 when LLVM cannot target this machine.
  static std::unique_ptr<JitEngine> create();
  /// Compiles a module; raises XX000 (phase Jit) when lowering or compilation fails.
  virtual std::unique_ptr<CompiledQuery> compile(const ir::Module& module) = 0;
  /// The optimized LLVM IR of a module, for inspection.
  virtual std::string llvmText(const ir::Module& module) = 0;
};

} // namespace flern::jit

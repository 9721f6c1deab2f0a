// ORC LLJIT setup, the per-query optimization pipeline, and code lifetime (one ResourceTracker
// per query). llvm::Error is turned into flern::Error here and nowhere else.
#include "jit/jit.h"

#include "common/error.h"
#include "ir/runtime/query_context.h"
#include "jit/lowering.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/DCE.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/GVN.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Transforms/Scalar/LoopPassManager.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include <atomic>
#include <chrono>
#include <mutex>

namespace flern::jit {

namespace {

double millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

[[noreturn]] void jitError(llvm::Error error, const std::string& what) {
  std::string message = llvm::toString(std::move(error));
  throw Error(SqlState::InternalError, what + ": " + message);
}

/// A short pass list (compile latency is part of query time): promote vars to registers,
/// simplify, remove redundancy, hoist loop invariants (chunk pointers, slot loads).
void optimize(llvm::Module& module) {
  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PassBuilder passBuilder;
  passBuilder.registerModuleAnalyses(moduleAnalyses);
  passBuilder.registerCGSCCAnalyses(cgsccAnalyses);
  passBuilder.registerFunctionAnalyses(functionAnalyses);
  passBuilder.registerLoopAnalyses(loopAnalyses);
  passBuilder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses, moduleAnalyses);

  llvm::FunctionPassManager passes;
  passes.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  passes.addPass(llvm::EarlyCSEPass(true));
  passes.addPass(llvm::InstCombinePass());
  passes.addPass(llvm::SimplifyCFGPass());
  passes.addPass(llvm::createFunctionToLoopPassAdaptor(llvm::LICMPass(llvm::LICMOptions()),
                                                       /*UseMemorySSA=*/true));
  passes.addPass(llvm::GVNPass());
  passes.addPass(llvm::InstCombinePass());
  passes.addPass(llvm::SimplifyCFGPass());
  passes.addPass(llvm::DCEPass());
  for (auto& function : module)
    if (!function.isDeclaration()) passes.run(function, functionAnalyses);
}

class OrcCompiledQuery final : public CompiledQuery {
public:
  OrcCompiledQuery(llvm::orc::ResourceTrackerSP tracker, std::mutex& lock, void (*entry)(void*),
                   CompileStats stats)
      : tracker_(std::move(tracker)), lock_(lock), entry_(entry), stats_(stats) {}
  ~OrcCompiledQuery() override {
    std::lock_guard guard(lock_);
    if (auto error = tracker_->remove())
      llvm::consumeError(std::move(error)); // freeing code cannot fail in a way we can act on
  }
  void (*entry() const)(void*) override { return entry_; }
  const CompileStats& stats() const override { return stats_; }

private:
  llvm::orc::ResourceTrackerSP tracker_;
  std::mutex& lock_;
  void (*entry_)(void*);
  CompileStats stats_;
};

class OrcJitEngine final : public JitEngine {
public:
  explicit OrcJitEngine(std::unique_ptr<llvm::orc::LLJIT> jit) : jit_(std::move(jit)) {}

  std::unique_ptr<CompiledQuery> compile(const ir::Module& module) override {
    CompileStats stats;
    auto start = std::chrono::steady_clock::now();
    auto context = std::make_unique<llvm::LLVMContext>();
    std::string suffix = "_q" + std::to_string(counter_++);
    auto llvmModule = lowerModule(module, *context, suffix);
    llvmModule->setDataLayout(jit_->getDataLayout());
    stats.lowerMs = millisecondsSince(start);

    start = std::chrono::steady_clock::now();
    optimize(*llvmModule);
    for (auto& function : *llvmModule)
      stats.llvmInstructions += function.getInstructionCount();
    stats.optimizeMs = millisecondsSince(start);

    start = std::chrono::steady_clock::now();
    // Lowering and optimization run in parallel (one LLVMContext per query); adding code to
    // the shared JIT and generating machine code are serialized.
    std::lock_guard guard(lock_);
    auto tracker = jit_->getMainJITDylib().createResourceTracker();
    llvm::orc::ThreadSafeModule threadSafe(std::move(llvmModule), std::move(context));
    if (auto error = jit_->addIRModule(tracker, std::move(threadSafe)))
      jitError(std::move(error), "could not add query module");
    auto symbol = jit_->lookup(module.entry + suffix);
    if (!symbol) jitError(symbol.takeError(), "could not compile query");
    stats.codegenMs = millisecondsSince(start);
    return std::make_unique<OrcCompiledQuery>(tracker, lock_, symbol->toPtr<void (*)(void*)>(),
                                              stats);
  }

  std::string llvmText(const ir::Module& module) override {
    llvm::LLVMContext context;
    auto llvmModule = lowerModule(module, context, "");
    llvmModule->setDataLayout(jit_->getDataLayout());
    optimize(*llvmModule);
    std::string text;
    llvm::raw_string_ostream stream(text);
    llvmModule->print(stream, nullptr);
    return text;
  }

private:
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::mutex lock_;
  std::atomic<uint64_t> counter_{0};
};

} // namespace

std::unique_ptr<JitEngine> JitEngine::create() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) jitError(jit.takeError(), "could not create the JIT");
  auto& session = (*jit)->getExecutionSession();
  llvm::orc::SymbolMap symbols;
  for (const auto& symbol : ir::runtimeSymbols())
    symbols[session.intern(symbol.name)] = {llvm::orc::ExecutorAddr::fromPtr(symbol.address),
                                            llvm::JITSymbolFlags::Exported |
                                                llvm::JITSymbolFlags::Callable};
  if (auto error = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))))
    jitError(std::move(error), "could not register the runtime");
  return std::make_unique<OrcJitEngine>(std::move(*jit));
}

} // namespace flern::jit

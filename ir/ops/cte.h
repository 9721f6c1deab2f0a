// Common table expressions computed once, and WITH RECURSIVE. Their rows go to buffers the
// executor binds like tables (state slot "table.<name>"), which TableScans read.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// Emits the code appending `row` (coerced to `types`) to the ColumnarBuffer `buffer`;
/// `rowIndexSlot` is an i64 var the append uses.
void appendRow(CodegenContext& ctx, Value buffer, const std::vector<SqlType>& types, const Row& row,
               Value rowIndexSlot);

/// Runs `producer` into the buffer of table `buffer` (columns of `bufferTypes`) first, then
/// produces `consumer`'s rows (whose scans of that buffer then see all of the producer's rows).
class CteMaterialize final : public PhysicalOperator {
public:
  CteMaterialize(std::string name, std::string buffer, std::vector<SqlType> bufferTypes,
                 PhysicalOperatorPtr producer, PhysicalOperatorPtr consumer);
  std::string explain() const override { return "CTE " + name_; }
  std::vector<const PhysicalOperator*> children() const override {
    return {producer_.get(), consumer_.get()};
  }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  std::string name_;
  std::string buffer_;
  std::vector<SqlType> bufferTypes_;
  PhysicalOperatorPtr producer_;
  PhysicalOperatorPtr consumer_;
};

/// WITH RECURSIVE: the non-recursive term's rows, then the recursive term run again and again
/// over the previous iteration's rows (table `working`, filled from table `next`) until an
/// iteration produces none. Without `all`, a row equal to one produced before is dropped (a
/// hash set of every row so far). The recursive term's code is generated once and runs in a
/// loop; the state it builds (hash tables, ...) is recreated between iterations. More than
/// `kMaxIterations` iterations raise 54000: the loop has no other way to end a recursion that
/// produces few rows forever. Rows have `types` (those of the working tables).
class RecursiveUnion final : public PhysicalOperator {
public:
  static constexpr int64_t kMaxIterations = 10'000'000;
  RecursiveUnion(std::string name, std::vector<SqlType> types, std::string working,
                 std::string next, bool all, PhysicalOperatorPtr start, PhysicalOperatorPtr step);
  std::string explain() const override {
    return std::string("Recursive Union") + (all_ ? " All" : "") + " " + name_;
  }
  std::vector<const PhysicalOperator*> children() const override {
    return {start_.get(), step_.get()};
  }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  /// Emits: keep `row` unless it was produced before; kept rows go to `buffer` and `consume`.
  void emitRow(CodegenContext& ctx, Value seen, Value buffer, Value rowIndexSlot, const Row& row,
               const ConsumeFn& consume) const;

  std::string name_;
  std::string working_;
  std::string next_;
  bool all_;
  PhysicalOperatorPtr start_;
  PhysicalOperatorPtr step_;
};

} // namespace flern::ir

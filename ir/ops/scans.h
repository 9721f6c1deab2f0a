// Leaf operators: table scan, generate_series and VALUES.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// Scans every chunk of a stored table (state slot "table.<name>"), one loop per chunk.
class TableScan final : public PhysicalOperator {
public:
  TableScan(std::string table, std::vector<SqlType> types, std::vector<bool> notNull);
  std::string explain() const override { return "Seq Scan on " + table_; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;
  /// The slot name the executor binds the table's data to.
  static std::string slotName(const std::string& table) { return "table." + table; }

private:
  std::string table_;
  std::vector<bool> notNull_;
};

/// generate_series(start, stop): one integer column counting from start to stop inclusive.
class GenerateSeries final : public PhysicalOperator {
public:
  GenerateSeries(BoundExprPtr start, BoundExprPtr stop, SqlType type);
  std::string explain() const override { return "Function Scan on generate_series"; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  BoundExprPtr start_;
  BoundExprPtr stop_;
};

/// Rows of constant expressions (VALUES, and SELECT without FROM).
class ValuesScan final : public PhysicalOperator {
public:
  ValuesScan(std::vector<std::vector<BoundExprPtr>> rows, std::vector<SqlType> types);
  std::string explain() const override { return "Values Scan"; }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  std::vector<std::vector<BoundExprPtr>> rows_;
};

} // namespace flern::ir

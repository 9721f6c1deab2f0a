// Leaf operators: table scan, generate_series and VALUES.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

/// `column op constant` (op one of = < <= > >=; constant a non-null, non-NaN Constant of the
/// column's type): a condition a chunk's zone map can prove false for all of its rows.
struct ZoneFilter {
  int column;
  std::string op;
  BoundExprPtr constant;
};

/// Scans every chunk of a stored table (state slot "table.<name>"), one loop per chunk. With
/// zone filters, each chunk is first tested against its zone maps and skipped when some filter
/// can hold for none of its rows. The filters still run per row above the scan: skipping is
/// only an optimization.
class TableScan final : public PhysicalOperator {
public:
  TableScan(std::string table, std::vector<SqlType> types, std::vector<bool> notNull,
            std::vector<ZoneFilter> zoneFilters = {});
  std::string explain() const override;
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;
  /// The slot name the executor binds the table's data to.
  static std::string slotName(const std::string& table) { return "table." + table; }
  void setZoneFilters(std::vector<ZoneFilter> filters) { zoneFilters_ = std::move(filters); }
  /// What EXPLAIN calls the scan instead of "Seq Scan on <table>" (buffers of CTEs).
  void setLabel(std::string label) { label_ = std::move(label); }
  const std::vector<ZoneFilter>& zoneFilters() const { return zoneFilters_; }

private:
  /// Emits the per-chunk test: an i1 that is false when the chunk can be skipped.
  Value chunkMayMatch(CodegenContext& ctx, Value buffer, Value chunk) const;
  /// Emits the loop over one chunk's rows.
  void scanChunk(CodegenContext& ctx, Value buffer, Value chunk, const ConsumeFn& consume) const;

  std::string table_;
  std::string label_;
  std::vector<bool> notNull_;
  std::vector<ZoneFilter> zoneFilters_;
};

/// generate_series(start, stop): one integer column counting from start to stop inclusive.
/// With an input (a LATERAL call whose bounds refer to its rows), every input row is passed on
/// once per value of its own series, with the value as a last column.
class GenerateSeries final : public PhysicalOperator {
public:
  GenerateSeries(BoundExprPtr start, BoundExprPtr stop, SqlType type);
  GenerateSeries(PhysicalOperatorPtr input, BoundExprPtr start, BoundExprPtr stop, SqlType type);
  std::string explain() const override { return "Function Scan on generate_series"; }
  std::vector<const PhysicalOperator*> children() const override;
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  void produceSeries(CodegenContext& ctx, const Row& input, const ConsumeFn& consume) const;

  PhysicalOperatorPtr input_;
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

// Hash joins of every kind: builds a hash table over the right (build) input, probes it with the
// left (probe) input's rows inside the left pipeline.
//
// Output rows: Inner, Left, Full and Single give probe columns then build columns (Single adds a
// boolean "matched" column); Semi and Anti give the probe columns; Mark gives the probe columns
// and the mark. A key marked null-safe matches null with null (IS NOT DISTINCT FROM); other keys
// never match a null. Full joins emit the build rows no probe row matched after the probe
// pipeline, with nulls for the probe columns.
#pragma once

#include "ir/ops/physical_operator.h"

namespace flern::ir {

enum class HashJoinKind { Inner, Left, Full, Semi, Anti, Mark, Single };

struct HashJoinSpec {
  HashJoinKind kind = HashJoinKind::Inner;
  std::vector<BoundExprPtr> probeKeys; ///< over the probe row
  std::vector<BoundExprPtr> buildKeys; ///< over the build row
  std::vector<bool> nullSafe;          ///< per key; empty means none
  /// Further condition over the probe row followed by the build row; null when none.
  BoundExprPtr residual;
  /// Mark joins: "x op y" over probe row + build row, whose unknown result makes the mark
  /// unknown (IN / ANY); null for EXISTS.
  BoundExprPtr markComparison;
  /// Mark joins whose comparison is the last key pair ("x = ANY (uncorrelated subquery)"):
  /// unknown when x is null or the build side holds a null, decided from build-wide flags.
  bool markOnLastKey = false;
};

class HashJoin final : public PhysicalOperator {
public:
  HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build, HashJoinSpec spec);
  /// An inner equi-join.
  HashJoin(PhysicalOperatorPtr probe, PhysicalOperatorPtr build,
           std::vector<BoundExprPtr> probeKeys, std::vector<BoundExprPtr> buildKeys);
  std::string explain() const override;
  std::vector<const PhysicalOperator*> children() const override {
    return {probe_.get(), build_.get()};
  }
  void produce(CodegenContext& ctx, const ConsumeFn& consume) const override;

private:
  struct BuildState;
  void emitBuild(CodegenContext& ctx, BuildState& state) const;
  /// Inner, semi, anti and mark joins.
  void emitProbe(CodegenContext& ctx, const BuildState& state, const ConsumeFn& consume) const;
  /// Left, full and single joins.
  void emitOuterProbe(CodegenContext& ctx, const BuildState& state, const ConsumeFn& consume) const;
  /// Whether the stored keys of `entry` equal `keys` (null-safe where the spec says so).
  Value keysEqual(CodegenContext& ctx, const BuildState& state, Value entry, const Row& keys) const;
  void onMatch(CodegenContext& ctx, const BuildState& state, Value entry, const Row& combined,
               Value matched, Value markUnknown, Value cursor, const ConsumeFn& consume) const;
  void afterProbe(CodegenContext& ctx, const BuildState& state, const Row& row, const Row& keys,
                  Value matched, Value markUnknown, const ConsumeFn& consume) const;
  void emitUnmatchedBuildRows(CodegenContext& ctx, const BuildState& state,
                              const ConsumeFn& consume) const;
  Row nullRow(CodegenContext& ctx, const std::vector<SqlType>& types) const;

  PhysicalOperatorPtr probe_;
  PhysicalOperatorPtr build_;
  HashJoinSpec spec_;
};

} // namespace flern::ir

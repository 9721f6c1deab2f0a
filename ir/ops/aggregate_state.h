// The state of one aggregate function, in one place per aggregate kind: which fields it keeps
// (a run of fields in a group's row), and the code that initializes them, folds an input row in
// and computes the result. HashAggregate lays out all its aggregates' fields in one hash-table
// entry; any other operator that keeps aggregate state per row set (window frames) can lay out
// the same fields and call the same functions.
#pragma once

#include "ir/codegen.h"

namespace flern::ir {

/// The types of the fields `aggregate` keeps, in order.
std::vector<SqlType> aggregateStateTypes(const AggregateSpec& aggregate);

/// Sets the fields starting at `field` to the state before any input.
void initializeAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                         const RowLayout& layout, size_t field);

/// Folds `row` into the state (evaluating the argument and FILTER over it). Rows arrive in the
/// order the aggregate sees them; for string_agg that order is its result's order.
void updateAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                     const RowLayout& layout, size_t field, const Row& row);

/// The aggregate's value from its state.
SqlValue finalizeAggregate(CodegenContext& ctx, const AggregateSpec& aggregate, Value state,
                           const RowLayout& layout, size_t field);

} // namespace flern::ir

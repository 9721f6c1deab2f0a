// Rule: predicate pushdown. Filter conjuncts travel down the tree, top to bottom, and are
// placed on the lowest operator where every column they use exists and where filtering there
// gives the same result: through projections (column references replaced by the projected
// expressions), sorts, set operations (into both inputs) and aggregates (conditions on group
// keys only), into inner joins (one-sided conjuncts into that input, the others into the join
// condition), and into the preserved side of outer, semi, anti, mark and single joins.
//
// OR conditions: conjuncts every branch shares are factored out of the OR, and an OR whose
// every branch restricts one join input implies an OR of those restrictions, which is pushed
// into that input as well (TPC-H Q19's OR of three part/lineitem branches: the join key is
// common to all branches, and each branch's part and lineitem conditions are pushed down).
#include "common/stack_depth.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

#include <algorithm>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

bool containsSubquery(const BoundExprPtr& expr) {
  if (expr->kind == BoundKind::Subquery) return true;
  for (const auto& arg : expr->args)
    if (containsSubquery(arg)) return true;
  return false;
}

bool hasSideEffectsOrCost(const BoundExprPtr& expr) {
  // A model evaluation is left where the query wrote it: pushing it below a projection that
  // computes it would evaluate it twice.
  if (expr->kind == BoundKind::Predict || expr->kind == BoundKind::Subquery) return true;
  for (const auto& arg : expr->args)
    if (hasSideEffectsOrCost(arg)) return true;
  return false;
}

/// (a AND c) OR (b AND c) -> c AND (a OR b): returns the conjuncts of the rewritten predicate.
std::vector<BoundExprPtr> factorOr(const BoundExprPtr& predicate) {
  if (predicate->kind != BoundKind::Or) return {predicate};
  std::vector<std::vector<BoundExprPtr>> branches;
  for (const auto& arg : predicate->args) {
    branches.emplace_back();
    splitConjuncts(arg, branches.back());
  }
  std::vector<BoundExprPtr> common;
  for (const auto& candidate : branches[0]) {
    std::string text = candidate->toString();
    bool everywhere = true;
    for (size_t b = 1; b < branches.size() && everywhere; ++b)
      everywhere = std::any_of(branches[b].begin(), branches[b].end(),
                               [&](const BoundExprPtr& e) { return e->toString() == text; });
    if (everywhere && std::none_of(common.begin(), common.end(),
                                   [&](const BoundExprPtr& e) { return e->toString() == text; }))
      common.push_back(candidate);
  }
  if (common.empty()) return {predicate};
  std::vector<BoundExprPtr> rest;
  for (auto& branch : branches) {
    std::vector<BoundExprPtr> remaining;
    for (const auto& conjunct : branch) {
      std::string text = conjunct->toString();
      if (std::none_of(common.begin(), common.end(),
                       [&](const BoundExprPtr& e) { return e->toString() == text; }))
        remaining.push_back(conjunct);
    }
    // A branch left empty is true: the whole OR is.
    if (remaining.empty()) return common;
    rest.push_back(makeAnd(remaining));
  }
  common.push_back(makeOr(rest));
  return common;
}

/// An OR of branches that each restrict `side` implies the OR of those restrictions.
BoundExprPtr impliedRestriction(const BoundExprPtr& predicate, const LogicalOperator& side) {
  if (predicate->kind != BoundKind::Or) return nullptr;
  std::vector<BoundExprPtr> branches;
  for (const auto& arg : predicate->args) {
    std::vector<BoundExprPtr> conjuncts, local;
    splitConjuncts(arg, conjuncts);
    for (const auto& conjunct : conjuncts)
      if (boundBy(conjunct, side) && !columnsOf(conjunct).empty()) local.push_back(conjunct);
    if (local.empty()) return nullptr;
    branches.push_back(makeAnd(local));
  }
  return makeOr(branches);
}

class PredicatePushdown {
public:
  LogicalPtr push(const LogicalPtr& op, std::vector<BoundExprPtr> pending) {
    checkStackDepth();
    switch (op->kind) {
    case LogicalKind::Filter: {
      for (const auto& predicate : op->predicates) {
        std::vector<BoundExprPtr> conjuncts;
        splitConjuncts(predicate, conjuncts);
        for (const auto& conjunct : conjuncts)
          for (const auto& factored : factorOr(conjunct))
            pending.push_back(factored);
      }
      return push(op->children[0], pending);
    }
    case LogicalKind::Project:
      return pushProject(op, pending);
    case LogicalKind::Join:
      return pushJoin(op, pending);
    case LogicalKind::Aggregate:
      return pushAggregate(op, pending);
    case LogicalKind::Sort: {
      auto copy = std::make_shared<LogicalOperator>(*op);
      copy->children = {push(op->children[0], pending)};
      return copy;
    }
    case LogicalKind::SetOperation:
      return pushSetOperation(op, pending);
    case LogicalKind::Window:
      return pushWindow(op, pending);
    case LogicalKind::Series:
      return pushSeries(op, pending);
    case LogicalKind::CteMaterialize: {
      // The output is the consumer's; the producer is computed whole for every reader.
      auto copy = std::make_shared<LogicalOperator>(*op);
      copy->children = {push(op->children[0], {}), push(op->children[1], pending)};
      return copy;
    }
    default: {
      auto copy = std::make_shared<LogicalOperator>(*op);
      for (auto& child : copy->children)
        child = push(child, {});
      return place(copy, pending);
    }
    }
  }

private:
  static LogicalPtr place(const LogicalPtr& op, const std::vector<BoundExprPtr>& predicates) {
    if (predicates.empty()) return op;
    return makeFilter(op, predicates);
  }

  /// Conditions on a LATERAL series' input alone filter the input before it repeats.
  LogicalPtr pushSeries(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    if (op->children.empty()) return place(op, pending);
    std::vector<BoundExprPtr> down, stay;
    for (const auto& predicate : pending)
      (boundBy(predicate, *op->children[0]) && !containsSubquery(predicate) ? down : stay)
          .push_back(predicate);
    auto copy = std::make_shared<LogicalOperator>(*op);
    copy->children = {push(op->children[0], down)};
    return place(copy, stay);
  }

  LogicalPtr pushProject(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    std::vector<BoundExprPtr> down, stay;
    for (const auto& predicate : pending) {
      // A subquery's correlated references can only be renamed, not replaced by expressions.
      bool movable = boundBy(predicate, *op) && !containsSubquery(predicate);
      for (ColumnId id : columnsOf(predicate)) {
        int position = op->positionOf(id);
        if (position >= 0 && hasSideEffectsOrCost(op->expressions[position])) movable = false;
      }
      if (!movable) {
        stay.push_back(predicate);
        continue;
      }
      down.push_back(substituteColumns(predicate, [&](const BoundExpr& column) -> BoundExprPtr {
        int position = op->positionOf(column.index);
        return position < 0 ? nullptr : op->expressions[position];
      }));
    }
    auto copy = std::make_shared<LogicalOperator>(*op);
    copy->children = {push(op->children[0], down)};
    return place(copy, stay);
  }

  LogicalPtr pushAggregate(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    std::vector<BoundExprPtr> down, stay;
    const size_t keys = op->groupKeys.size();
    for (const auto& predicate : pending) {
      bool onKeys = !columnsOf(predicate).empty() && !containsSubquery(predicate);
      for (ColumnId id : columnsOf(predicate)) {
        int position = op->positionOf(id);
        onKeys = onKeys && position >= 0 && static_cast<size_t>(position) < keys;
      }
      if (!onKeys) {
        stay.push_back(predicate);
        continue;
      }
      down.push_back(substituteColumns(predicate, [&](const BoundExpr& column) -> BoundExprPtr {
        int position = op->positionOf(column.index);
        return position < 0 ? nullptr : op->groupKeys[position];
      }));
    }
    auto copy = std::make_shared<LogicalOperator>(*op);
    copy->children = {push(op->children[0], down)};
    return place(copy, stay);
  }

  /// Only conditions on columns every window partitions by go below a Window: they keep or
  /// drop whole partitions, so the other rows' window values stay the same.
  LogicalPtr pushWindow(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    std::set<ColumnId> partitionColumns;
    for (size_t i = 0; i < op->windows.size(); ++i) {
      std::set<ColumnId> own;
      for (const auto& key : op->windows[i].partitionKeys)
        if (key->kind == BoundKind::Column) own.insert(key->index);
      if (i == 0) {
        partitionColumns = own;
        continue;
      }
      std::set<ColumnId> common;
      for (ColumnId id : partitionColumns)
        if (own.count(id)) common.insert(id);
      partitionColumns = common;
    }
    std::vector<BoundExprPtr> down, stay;
    for (const auto& predicate : pending) {
      std::set<ColumnId> used = columnsOf(predicate);
      bool onPartition = !used.empty() && !containsSubquery(predicate);
      for (ColumnId id : used)
        onPartition = onPartition && partitionColumns.count(id);
      (onPartition ? down : stay).push_back(predicate);
    }
    auto copy = std::make_shared<LogicalOperator>(*op);
    copy->children = {push(op->children[0], down)};
    return place(copy, stay);
  }

  LogicalPtr pushSetOperation(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    auto copy = std::make_shared<LogicalOperator>(*op);
    for (size_t side = 0; side < 2; ++side) {
      const LogicalOperator& input = *op->children[side];
      std::vector<BoundExprPtr> mapped;
      for (const auto& predicate : pending)
        mapped.push_back(substituteColumns(predicate, [&](const BoundExpr& column) -> BoundExprPtr {
          int position = op->positionOf(column.index);
          return position < 0 ? nullptr : columnRef(input.columns[position]);
        }));
      copy->children[side] = push(op->children[side], mapped);
    }
    return copy;
  }

  LogicalPtr pushJoin(const LogicalPtr& op, const std::vector<BoundExprPtr>& pending) {
    const LogicalOperator& left = *op->children[0];
    const LogicalOperator& right = *op->children[1];
    std::vector<BoundExprPtr> toLeft, toRight, joinPredicates, stay;
    const JoinKind kind = op->joinKind;
    if (kind == JoinKind::Inner) {
      std::vector<BoundExprPtr> all = pending;
      for (const auto& predicate : op->predicates)
        for (const auto& factored : factorOr(predicate))
          all.push_back(factored);
      for (const auto& predicate : all) {
        if (boundBy(predicate, left))
          toLeft.push_back(predicate);
        else if (boundBy(predicate, right))
          toRight.push_back(predicate);
        else {
          joinPredicates.push_back(predicate);
          if (auto implied = impliedRestriction(predicate, left)) toLeft.push_back(implied);
          if (auto implied = impliedRestriction(predicate, right)) toRight.push_back(implied);
        }
      }
    } else {
      // Conditions above the join may filter its preserved (left) input; conditions of the ON
      // clause may filter the other input.
      bool leftPreserved = kind != JoinKind::Right && kind != JoinKind::Full;
      bool rightPreserved = kind == JoinKind::Right;
      for (const auto& predicate : pending) {
        if (leftPreserved && boundBy(predicate, left))
          toLeft.push_back(predicate);
        else if (rightPreserved && boundBy(predicate, right))
          toRight.push_back(predicate);
        else
          stay.push_back(predicate);
      }
      for (const auto& predicate : op->predicates) {
        if (kind != JoinKind::Full && !rightPreserved && boundBy(predicate, right) &&
            !columnsOf(predicate).empty())
          toRight.push_back(predicate);
        else if (rightPreserved && boundBy(predicate, left) && !columnsOf(predicate).empty())
          toLeft.push_back(predicate);
        else
          joinPredicates.push_back(predicate);
      }
    }
    auto copy = std::make_shared<LogicalOperator>(*op);
    copy->children = {push(op->children[0], toLeft), push(op->children[1], toRight)};
    copy->predicates = joinPredicates;
    return place(copy, stay);
  }
};

} // namespace

LogicalPtr pushDownPredicates(const LogicalPtr& plan, OptimizerContext&) {
  PredicatePushdown pushdown;
  return pushdown.push(plan, {});
}

} // namespace flern::planner

// The Aggregate operator(s) of a query block over its GROUP BY (bind_group_by.cpp) and HAVING
// above them; GROUPING().
//
// Several grouping sets are planned with the existing operators (see groupingSetsPlan): one
// Aggregate over the input cross joined with a VALUES table of the sets, grouping by the set
// number and the keys masked to NULL where the set lacks them, plus one key-less Aggregate per
// empty set under UNION ALL. No new operator kind, so every rule, estimate and EXPLAIN works as
// it is, and predicate pushdown still moves HAVING conditions on keys below the aggregation.
#include "planner/binder.h"

#include "common/error.h"
#include "planner/expr_typing.h"
#include "planner/type_rules.h"

#include <functional>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;
using namespace typing;

namespace {

using Sets = std::vector<std::vector<size_t>>;

/// GROUPING(...) is bound as this function name, which no SQL name can spell (names are folded
/// to lower case).
constexpr const char* kGroupingName = "GROUPING";

bool isGroupingCall(const BoundExpr& expr) {
  return expr.kind == BoundKind::Function && expr.name == kGroupingName;
}

void collectGroupingCalls(const BoundExprPtr& expr, std::vector<BoundExprPtr>& out) {
  if (!expr) return;
  if (isGroupingCall(*expr)) {
    for (const auto& seen : out)
      if (seen->toString() == expr->toString()) return;
    out.push_back(expr);
    return;
  }
  for (const auto& arg : expr->args)
    collectGroupingCalls(arg, out);
}

BoundExprPtr replaceGroupingCalls(const BoundExprPtr& expr,
                                  const std::function<BoundExprPtr(const BoundExpr&)>& replace) {
  if (!expr) return expr;
  if (isGroupingCall(*expr)) return replace(*expr);
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args)
    arg = replaceGroupingCalls(arg, replace);
  return copy;
}

/// Positions in `keys` of a GROUPING call's arguments (42803 for one that is not a key).
std::vector<size_t> groupingArguments(const BoundExpr& call,
                                      const std::vector<BoundExprPtr>& keys) {
  std::vector<size_t> positions;
  for (const auto& arg : call.args) {
    size_t found = keys.size();
    for (size_t k = 0; k < keys.size() && found == keys.size(); ++k)
      if (keys[k]->toString() == arg->toString()) found = k;
    if (found == keys.size())
      throw Error(SqlState::GroupingError,
                  "arguments to GROUPING must be grouping expressions of the associated query "
                  "level",
                  arg->location + 1);
    positions.push_back(found);
  }
  return positions;
}

/// GROUPING's value in one set: bit (n - 1 - i) is set when argument i is not grouped.
int32_t groupingValue(const std::vector<size_t>& arguments, const std::vector<size_t>& set) {
  int32_t value = 0;
  for (size_t position : arguments)
    value = value * 2 + (std::find(set.begin(), set.end(), position) == set.end() ? 1 : 0);
  return value;
}

BoundExprPtr int32Constant(int32_t value) {
  auto node = makeNode(BoundKind::Constant, SqlType::int32());
  node->intValue = value;
  return node;
}

std::shared_ptr<LogicalOperator> newOperator(LogicalKind kind, LogicalPtr child) {
  auto op = std::make_shared<LogicalOperator>();
  op->kind = kind;
  op->children.push_back(std::move(child));
  return op;
}

std::shared_ptr<LogicalOperator> aggregateOver(LogicalPtr child,
                                               const std::vector<BoundExprPtr>& keys,
                                               const std::vector<ir::AggregateSpec>& specs,
                                               const std::function<ColumnId()>& newId) {
  auto aggregate = newOperator(LogicalKind::Aggregate, std::move(child));
  aggregate->groupKeys = keys;
  aggregate->aggregates = specs;
  for (const auto& key : keys)
    aggregate->columns.push_back({newId(), key->type, key->name, false});
  for (const auto& spec : specs)
    aggregate->columns.push_back(
        {newId(), spec.type, "",
         spec.kind == ir::AggregateKind::CountStar || spec.kind == ir::AggregateKind::Count});
  return aggregate;
}

BoundExprPtr boolConstant(bool value) {
  auto node = makeNode(BoundKind::Constant, SqlType::boolean());
  node->intValue = value ? 1 : 0;
  return node;
}

/// Several grouping sets: columns all keys (NULL where a set lacks them), the aggregates, then
/// one GROUPING() value per call.
///
/// The sets with keys share one Aggregate over the input cross joined with a small VALUES
/// table of the sets (set number, whether each key is in it, the GROUPING() values): every
/// input row meets every set, its absent keys masked to NULL, and the set number is a group key
/// too. So the input is read once and the generated code does not grow with the number of sets
/// (CUBE of 12 elements has 4096). Empty sets () need a row even without input, which grouping
/// cannot give: each gets its own key-less Aggregate over a copy of the input, under UNION ALL.
LogicalPtr groupingSetsPlan(LogicalPtr input, const std::vector<BoundExprPtr>& groupKeys,
                            const Sets& sets, const std::vector<ir::AggregateSpec>& specs,
                            const std::vector<std::vector<size_t>>& callArguments,
                            const std::function<ColumnId()>& newId) {
  const size_t keyCount = groupKeys.size();
  std::vector<LogicalPtr> branches;
  // Every branch reads its own copy of the input, so that column ids stay unique: branches
  // after the first are built over `input` and then copied whole with fresh ids.
  auto addBranch = [&](LogicalPtr branch) {
    branches.push_back(branches.empty() ? branch : cloneWithFreshIds(branch, newId));
  };
  auto project = [&](LogicalPtr child, std::vector<BoundExprPtr> expressions) {
    auto op = newOperator(LogicalKind::Project, std::move(child));
    op->expressions = std::move(expressions);
    for (size_t i = 0; i < op->expressions.size(); ++i) {
      bool isAggregate = i >= keyCount && i < keyCount + specs.size();
      bool notNull = isAggregate && (specs[i - keyCount].kind == ir::AggregateKind::Count ||
                                     specs[i - keyCount].kind == ir::AggregateKind::CountStar);
      op->columns.push_back({newId(), op->expressions[i]->type, "", notNull});
    }
    return op;
  };

  std::vector<size_t> keyed;
  for (size_t s = 0; s < sets.size(); ++s)
    if (!sets[s].empty()) keyed.push_back(s);
  if (!keyed.empty()) {
    auto values = std::make_shared<LogicalOperator>();
    values->kind = LogicalKind::Values;
    values->columns.push_back({newId(), SqlType::int32(), "grouping_set", true});
    for (size_t k = 0; k < keyCount; ++k)
      values->columns.push_back({newId(), SqlType::boolean(), "", true});
    for (size_t c = 0; c < callArguments.size(); ++c)
      values->columns.push_back({newId(), SqlType::int32(), "", true});
    for (size_t s : keyed) {
      const auto& set = sets[s];
      std::vector<BoundExprPtr> row{int32Constant(static_cast<int32_t>(s))};
      for (size_t k = 0; k < keyCount; ++k)
        row.push_back(boolConstant(std::find(set.begin(), set.end(), k) != set.end()));
      for (const auto& arguments : callArguments)
        row.push_back(int32Constant(groupingValue(arguments, set)));
      values->rows.push_back(std::move(row));
    }
    const LogicalPtr& source = input;
    auto join = std::make_shared<LogicalOperator>();
    join->kind = LogicalKind::Join;
    join->joinKind = JoinKind::Inner;
    join->children = {source, values};
    join->columns = source->columns;
    join->columns.insert(join->columns.end(), values->columns.begin(), values->columns.end());
    std::vector<BoundExprPtr> keys{columnRef(values->columns[0])};
    for (size_t k = 0; k < keyCount; ++k) {
      const BoundExprPtr& key = groupKeys[k];
      auto masked = makeNode(BoundKind::Case, key->type);
      masked->args = {columnRef(values->columns[1 + k]), key, makeNull(key->type)};
      keys.push_back(masked);
    }
    for (size_t c = 0; c < callArguments.size(); ++c)
      keys.push_back(columnRef(values->columns[1 + keyCount + c]));
    auto aggregate = aggregateOver(join, keys, specs, newId);
    std::vector<BoundExprPtr> outputs;
    for (size_t k = 0; k < keyCount; ++k)
      outputs.push_back(columnRef(aggregate->columns[1 + k]));
    for (size_t a = 0; a < specs.size(); ++a)
      outputs.push_back(columnRef(aggregate->columns[keys.size() + a]));
    for (size_t c = 0; c < callArguments.size(); ++c)
      outputs.push_back(columnRef(aggregate->columns[1 + keyCount + c]));
    addBranch(project(aggregate, std::move(outputs)));
  }
  for (const auto& set : sets) {
    if (!set.empty()) continue;
    auto aggregate = aggregateOver(input, {}, specs, newId);
    std::vector<BoundExprPtr> outputs;
    for (size_t k = 0; k < keyCount; ++k)
      outputs.push_back(makeNull(groupKeys[k]->type));
    for (size_t a = 0; a < specs.size(); ++a)
      outputs.push_back(columnRef(aggregate->columns[a]));
    for (const auto& arguments : callArguments)
      outputs.push_back(int32Constant(groupingValue(arguments, set)));
    addBranch(project(aggregate, std::move(outputs)));
  }
  LogicalPtr unioned = branches[0];
  for (size_t b = 1; b < branches.size(); ++b) {
    auto setOp = std::make_shared<LogicalOperator>();
    setOp->kind = LogicalKind::SetOperation;
    setOp->setKind = SetOperationKind::Union;
    setOp->setAll = true;
    setOp->children = {unioned, branches[b]};
    for (const auto& column : branches[b]->columns)
      setOp->columns.push_back({newId(), column.type, column.name, column.notNull});
    unioned = setOp;
  }
  return unioned;
}

} // namespace

BoundExprPtr Binder::bindGroupingFunc(const ast::Expr& expr, const Scope& scope,
                                      AggregateContext& aggregates) {
  if (!aggregates.aggregates)
    throw Error(SqlState::GroupingError,
                aggregates.forbiddenIn
                    ? std::string("grouping operations are not allowed in ") +
                          aggregates.forbiddenIn
                    : std::string("aggregate function calls cannot contain grouping operations"),
                expr.location + 1);
  if (expr.args.size() > 31)
    throw Error(SqlState::TooManyArguments, "GROUPING must have fewer than 32 arguments",
                expr.location + 1);
  auto node = makeNode(BoundKind::Function, SqlType::int32(), expr.location);
  node->name = kGroupingName;
  AggregateContext none{nullptr, "GROUP BY"};
  for (const auto& arg : expr.args)
    node->args.push_back(bind(*arg, scope, none));
  return node;
}

LogicalPtr Binder::bindAggregation(LogicalPtr input, const GroupBy& groupBy,
                                   const std::vector<ir::AggregateSpec>& specs,
                                   std::vector<BoundExprPtr>& targets, BoundExprPtr having,
                                   std::vector<BoundExprPtr>& orderExprs,
                                   const std::vector<ColumnId>& localColumns,
                                   std::shared_ptr<LogicalOperator>* groupingOut,
                                   const std::vector<BoundExprPtr*>& windowInputs) {
  std::vector<BoundExprPtr> calls;
  for (const auto& target : targets)
    collectGroupingCalls(target, calls);
  collectGroupingCalls(having, calls);
  for (const auto& expr : orderExprs)
    collectGroupingCalls(expr, calls);
  for (const BoundExprPtr* expr : windowInputs)
    collectGroupingCalls(*expr, calls);
  std::vector<std::vector<size_t>> callArguments;
  for (const auto& call : calls)
    callArguments.push_back(groupingArguments(*call, groupBy.keys));
  bool aggregated = !groupBy.keys.empty() || groupBy.hasSets || !specs.empty() || having;
  if (!aggregated) return input;

  // What resolveGrouping maps expressions to: key columns, then aggregate columns.
  std::shared_ptr<LogicalOperator> grouping;
  LogicalPtr plan;
  std::function<BoundExprPtr(const BoundExpr&)> replaceCall;
  if (groupBy.sets.size() <= 1) {
    grouping = aggregateOver(input, groupBy.keys, specs, [this] { return newColumnId(); });
    plan = grouping;
    // Without grouping sets every key is grouped in every row.
    replaceCall = [](const BoundExpr&) { return int32Constant(0); };
  } else {
    LogicalPtr unioned = groupingSetsPlan(input, groupBy.keys, groupBy.sets, specs, callArguments,
                                          [this] { return newColumnId(); });
    plan = unioned;
    grouping = std::make_shared<LogicalOperator>();
    grouping->kind = LogicalKind::Aggregate;
    grouping->groupKeys = groupBy.keys;
    grouping->columns = unioned->columns;
    replaceCall = [&, unioned](const BoundExpr& call) {
      size_t c = 0;
      while (calls[c]->toString() != call.toString())
        ++c;
      return columnRef(unioned->columns[groupBy.keys.size() + specs.size() + c]);
    };
  }
  for (auto& target : targets)
    target = resolveGrouping(replaceGroupingCalls(target, replaceCall), *grouping, localColumns);
  for (auto& expr : orderExprs)
    if (expr)
      expr = resolveGrouping(replaceGroupingCalls(expr, replaceCall), *grouping, localColumns);
  if (having) {
    auto filter = newOperator(LogicalKind::Filter, plan);
    appendConjuncts(
        resolveGrouping(replaceGroupingCalls(having, replaceCall), *grouping, localColumns),
        filter->predicates);
    filter->columns = plan->columns;
    plan = filter;
  }
  // Window functions run after grouping and resolve against the same columns.
  for (BoundExprPtr* expr : windowInputs)
    *expr = replaceGroupingCalls(*expr, replaceCall);
  if (groupingOut) *groupingOut = grouping;
  return plan;
}

} // namespace flern::planner

// Rule: subquery unnesting. Every Subquery expression becomes a join of the operator's input
// with the subquery's plan; a correlated subquery is first decorrelated.
//
// Decorrelation pushes the outer values down into the subquery (Neumann and Kemper 2015):
// each correlated column c gets a column m(c) of the rewritten subquery whose value is c's,
// and the join compares c with m(c). Where the subquery compares c with one of its own columns
// by equality (the common case: WHERE inner.k = outer.k), that column is m(c) and the
// comparison moves into the join; otherwise the distinct outer values D are joined in at the
// lowest operator that needs them, and m(c) is D's column (compared null-safely). Aggregates
// group by m(c) as well; a scalar aggregate's value for an outer row without inner rows (its
// "empty" value: count 0, otherwise null) is substituted when the join finds no group.
#include "common/error.h"
#include "common/stack_depth.h"
#include "planner/expr_typing.h"
#include "planner/logical/subquery_info.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <set>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;

namespace {

[[noreturn]] void notSupported(const std::string& what) {
  throw Error(SqlState::FeatureNotSupported, what + " is not supported");
}

/// What an aggregate yields over no rows: count 0, every other aggregate null.
BoundExprPtr emptyAggregateValue(const ir::AggregateSpec& spec, const SqlType& type) {
  bool count = spec.kind == ir::AggregateKind::Count || spec.kind == ir::AggregateKind::CountStar;
  return count ? makeInt64Constant(0) : makeNullConstant(type);
}

/// Where a correlated column's value is found in a decorrelated plan.
struct Mapping {
  ColumnId column;
  bool nullSafe; ///< from D (compare with IS NOT DISTINCT FROM), not from an equality
};
using MappingTable = std::map<ColumnId, Mapping>;

class Decorrelator {
public:
  /// `emptyByCaller`: an aggregate without GROUP BY whose value for outer values without input
  /// rows the caller substitutes itself (see emptyResult); every other one is filled here.
  Decorrelator(const LogicalPtr& outer, const std::set<ColumnId>& free, OptimizerContext& context,
               const LogicalOperator* emptyByCaller = nullptr)
      : outer_(outer), free_(free), context_(context), emptyByCaller_(emptyByCaller) {}

  struct Result {
    LogicalPtr plan;
    MappingTable mapping;
  };

  Result push(const LogicalPtr& op) {
    checkStackDepth();
    if (referencedFree(*op).empty()) return {op, {}};
    switch (op->kind) {
    case LogicalKind::Filter:
      return pushFilter(op);
    case LogicalKind::Project:
      return pushProject(op);
    case LogicalKind::Aggregate:
      return pushAggregate(op);
    case LogicalKind::Join:
      return pushJoin(op);
    case LogicalKind::Sort: {
      Result child = pushWithNeeds(op->children[0], expressionsFree(*op));
      auto sort = std::make_shared<LogicalOperator>(*op);
      sort->children = {child.plan};
      sort->columns = child.plan->columns;
      for (auto& key : sort->sortKeys)
        key.expr = rewrite(key.expr, child.mapping);
      return {sort, child.mapping};
    }
    case LogicalKind::SetOperation:
      return pushSetOperation(op);
    case LogicalKind::Window:
      return pushWindow(op);
    case LogicalKind::Limit:
      return pushLimit(op);
    case LogicalKind::Series:
      return pushSeries(op);
    case LogicalKind::Values:
      return pushValues(op);
    default:
      notSupported("this correlated subquery");
    }
  }

private:
  /// Free columns referenced in `op`'s subtree (by `op`'s own expressions unless `recurse`).
  std::set<ColumnId> freeIn(const LogicalOperator& op, bool recurse) const {
    std::set<ColumnId> found;
    forEachExpression(op, recurse, [&](const BoundExprPtr& expr) {
      for (ColumnId id : columnsOf(expr))
        if (free_.count(id)) found.insert(id);
    });
    return found;
  }
  std::set<ColumnId> referencedFree(const LogicalOperator& op) const { return freeIn(op, true); }
  std::set<ColumnId> expressionsFree(const LogicalOperator& op) const { return freeIn(op, false); }

  BoundExprPtr rewrite(const BoundExprPtr& expr, const MappingTable& mapping) {
    return substituteColumns(expr, [&](const BoundExpr& column) -> BoundExprPtr {
      auto it = mapping.find(column.index);
      if (it == mapping.end()) return nullptr;
      auto copy = std::make_shared<BoundExpr>(column);
      copy->index = it->second.column;
      return copy;
    });
  }

  /// The distinct values of the outer columns `columns`, as a new plan, and their mapping.
  Result distinctOuter(const std::set<ColumnId>& columns) {
    // D may hold more values than the outer rows have (the join with the outer input drops the
    // extra groups), so it comes from the smallest input below that produces these columns
    // without padding them with nulls.
    LogicalPtr source = outer_;
    auto producesAll = [&](const LogicalOperator& op) {
      for (ColumnId id : columns)
        if (op.positionOf(id) < 0) return false;
      return true;
    };
    for (bool moved = true; moved;) {
      moved = false;
      size_t candidates = 0;
      if (source->kind == LogicalKind::Filter)
        candidates = 1;
      else if (source->kind == LogicalKind::Join)
        candidates = source->joinKind == JoinKind::Inner ? 2
                     : source->joinKind == JoinKind::Right || source->joinKind == JoinKind::Full
                         ? 0
                         : 1;
      for (size_t i = 0; i < candidates && !moved; ++i)
        if (producesAll(*source->children[i])) {
          source = source->children[i];
          moved = true;
        }
    }
    LogicalPtr copy = cloneWithFreshIds(source, context_.newColumnId);
    auto distinct = std::make_shared<LogicalOperator>();
    distinct->kind = LogicalKind::Aggregate;
    distinct->children = {copy};
    MappingTable mapping;
    for (ColumnId id : columns) {
      int position = source->positionOf(id);
      if (position < 0) internalError("correlated column not produced by the outer input");
      const LogicalColumn& cloned = copy->columns[position];
      distinct->groupKeys.push_back(columnRef(cloned));
      LogicalColumn key = cloned;
      key.id = context_.newColumnId();
      distinct->columns.push_back(key);
      mapping[id] = {key.id, true};
    }
    return {distinct, mapping};
  }

  /// Pushes into `child`, then joins D in for the free columns of `needs` still unmapped.
  Result pushWithNeeds(const LogicalPtr& child, const std::set<ColumnId>& needs) {
    Result result = push(child);
    std::set<ColumnId> missing;
    for (ColumnId id : needs)
      if (!result.mapping.count(id)) missing.insert(id);
    if (missing.empty()) return result;
    Result d = distinctOuter(missing);
    result.plan = makeJoin(JoinKind::Inner, d.plan, result.plan, {});
    result.mapping.insert(d.mapping.begin(), d.mapping.end());
    return result;
  }

  /// Equalities "free = column of `input`" become mappings instead of predicates.
  std::vector<BoundExprPtr> substituteEqualities(const std::vector<BoundExprPtr>& predicates,
                                                 const LogicalOperator& input,
                                                 MappingTable& mapping) {
    std::vector<BoundExprPtr> remaining;
    for (const auto& predicate : predicates) {
      if (predicate->kind == BoundKind::Compare && predicate->name == "=") {
        const BoundExprPtr& a = predicate->args[0];
        const BoundExprPtr& b = predicate->args[1];
        auto tryMap = [&](const BoundExprPtr& freeSide, const BoundExprPtr& inner) {
          if (freeSide->kind != BoundKind::Column || !free_.count(freeSide->index)) return false;
          if (mapping.count(freeSide->index)) return false;
          if (inner->kind != BoundKind::Column || input.positionOf(inner->index) < 0) return false;
          mapping[freeSide->index] = {inner->index, false};
          return true;
        };
        if (tryMap(a, b) || tryMap(b, a)) continue;
      }
      remaining.push_back(predicate);
    }
    return remaining;
  }

  std::set<ColumnId> unmapped(const std::vector<BoundExprPtr>& predicates,
                              const MappingTable& mapping) const {
    std::set<ColumnId> missing;
    for (const auto& predicate : predicates)
      for (ColumnId id : columnsOf(predicate))
        if (free_.count(id) && !mapping.count(id)) missing.insert(id);
    return missing;
  }

  Result pushFilter(const LogicalPtr& op) {
    Result child = push(op->children[0]);
    MappingTable mapping = child.mapping;
    std::vector<BoundExprPtr> remaining =
        substituteEqualities(op->predicates, *child.plan, mapping);
    std::set<ColumnId> missing = unmapped(remaining, mapping);
    if (!missing.empty()) {
      // D is joined in anyway: it carries every outer column this filter uses, and the
      // equalities stay predicates (join keys between D and the input once pushed down).
      mapping = child.mapping;
      remaining = op->predicates;
      missing = unmapped(remaining, mapping);
    }
    LogicalPtr input = child.plan;
    if (!missing.empty()) {
      Result d = distinctOuter(missing);
      input = makeJoin(JoinKind::Inner, d.plan, input, {});
      mapping.insert(d.mapping.begin(), d.mapping.end());
    }
    for (auto& predicate : remaining)
      predicate = rewrite(predicate, mapping);
    if (remaining.empty()) return {input, mapping};
    return {makeFilter(input, remaining), mapping};
  }

  Result pushProject(const LogicalPtr& op) {
    Result child = pushWithNeeds(op->children[0], expressionsFree(*op));
    auto project = std::make_shared<LogicalOperator>(*op);
    project->children = {child.plan};
    for (auto& expr : project->expressions)
      expr = rewrite(expr, child.mapping);
    // The mapped columns pass through, so that the join above can compare them.
    for (const auto& [free, mapped] : child.mapping) {
      int position = child.plan->positionOf(mapped.column);
      project->expressions.push_back(columnRef(child.plan->columns[position]));
      project->columns.push_back(child.plan->columns[position]);
    }
    return {project, child.mapping};
  }

  Result pushAggregate(const LogicalPtr& op) {
    Result child = pushWithNeeds(op->children[0], expressionsFree(*op));
    auto aggregate = std::make_shared<LogicalOperator>(*op);
    aggregate->children = {child.plan};
    for (auto& key : aggregate->groupKeys)
      key = rewrite(key, child.mapping);
    for (auto& spec : aggregate->aggregates)
      ir::mapAggregateExpressions(
          spec, [&](const BoundExprPtr& expr) { return rewrite(expr, child.mapping); });
    // Group by the mapped columns too: one group per outer value. Their key columns keep the
    // ids they have below, so the mapping stays valid.
    std::vector<LogicalColumn> keyColumns(op->columns.begin(),
                                          op->columns.begin() + op->groupKeys.size());
    std::vector<LogicalColumn> aggregateColumns(op->columns.begin() + op->groupKeys.size(),
                                                op->columns.end());
    for (const auto& [free, mapped] : child.mapping) {
      int position = child.plan->positionOf(mapped.column);
      aggregate->groupKeys.push_back(columnRef(child.plan->columns[position]));
      keyColumns.push_back(child.plan->columns[position]);
    }
    aggregate->columns = keyColumns;
    aggregate->columns.insert(aggregate->columns.end(), aggregateColumns.begin(),
                              aggregateColumns.end());
    if (!op->groupKeys.empty() || op.get() == emptyByCaller_) return {aggregate, child.mapping};
    return fillEmptyGroups(op, aggregate, child.mapping);
  }

  /// An aggregate without GROUP BY yields one row even for no input rows (count 0, otherwise
  /// null): grouped by the outer values, it must still yield that row for every outer value
  /// without rows (the "count bug"). So the distinct outer values D are left-joined with the
  /// groups, and a value missing there becomes the aggregate's value over no rows.
  Result fillEmptyGroups(const LogicalPtr& original, const LogicalPtr& grouped,
                         const MappingTable& mapping) {
    std::set<ColumnId> outerColumns;
    for (const auto& [free, mapped] : mapping)
      outerColumns.insert(free);
    Result d = distinctOuter(outerColumns);
    // Fresh ids for the aggregate values below the join and a "matched" marker beside them;
    // the original ids are given back above it.
    const size_t keys = mapping.size();
    std::vector<LogicalColumn> renamed = grouped->columns;
    for (size_t i = keys; i < renamed.size(); ++i)
      renamed[i].id = context_.newColumnId();
    LogicalColumn marker{context_.newColumnId(), SqlType::boolean(), "matched", true};
    std::vector<BoundExprPtr> below = columnRefs(grouped->columns);
    below.push_back(makeBoolConstant(true));
    renamed.push_back(marker);
    LogicalPtr groups = makeProjection(grouped, below, context_, renamed);
    std::vector<BoundExprPtr> conditions;
    for (const auto& [free, mapped] : mapping) {
      const LogicalColumn& value = d.plan->columns[d.plan->positionOf(d.mapping.at(free).column)];
      const LogicalColumn& key = groups->columns[groups->positionOf(mapped.column)];
      // A group key from an equality with the outer column never matches a null outer value.
      conditions.push_back(makeComparison(mapped.nullSafe ? "IS NOT DISTINCT FROM" : "=",
                                          columnRef(value), columnRef(key)));
    }
    LogicalPtr join = makeJoin(JoinKind::Left, d.plan, groups, conditions);
    auto matched = std::make_shared<BoundExpr>();
    matched->kind = BoundKind::IsNotNull;
    matched->type = SqlType::boolean();
    matched->args = {columnRef(marker)};
    std::vector<BoundExprPtr> values = columnRefs(d.plan->columns);
    std::vector<LogicalColumn> columns = d.plan->columns;
    for (size_t i = 0; i < original->aggregates.size(); ++i) {
      const LogicalColumn& value = renamed[keys + i];
      values.push_back(makeCase(matched, columnRef(value),
                                emptyAggregateValue(original->aggregates[i], value.type)));
      LogicalColumn column = original->columns[i];
      column.notNull = false;
      columns.push_back(column);
    }
    return {makeProjection(join, values, context_, columns), d.mapping};
  }

  /// LIMIT / OFFSET (under ORDER BY or not) per outer value: the rows numbered by row_number()
  /// over a partition per mapped value, in the sort's order, and kept by their number.
  Result pushLimit(const LogicalPtr& op) {
    LogicalPtr input = op->children[0];
    const LogicalOperator* sort = input->kind == LogicalKind::Sort ? input.get() : nullptr;
    if (sort) input = sort->children[0];
    Result child = pushWithNeeds(input, referencedFree(*op));
    ir::WindowExpr number;
    number.kind = ir::WindowFunctionKind::RowNumber;
    number.type = SqlType::int64();
    for (const auto& [free, mapped] : child.mapping) {
      int position = child.plan->positionOf(mapped.column);
      number.partitionKeys.push_back(columnRef(child.plan->columns[position]));
    }
    if (sort)
      for (ir::SortKey key : sort->sortKeys) {
        key.expr = rewrite(key.expr, child.mapping);
        number.orderKeys.push_back(key);
      }
    number.frame.unit = ir::FrameUnit::Rows;
    auto window = std::make_shared<LogicalOperator>();
    window->kind = LogicalKind::Window;
    window->children = {child.plan};
    window->columns = child.plan->columns;
    LogicalColumn rowNumber{context_.newColumnId(), SqlType::int64(), "row_number", true};
    window->columns.push_back(rowNumber);
    window->windows = {number};
    std::vector<BoundExprPtr> keep;
    if (op->offset > 0)
      keep.push_back(makeComparison(">", columnRef(rowNumber), makeInt64Constant(op->offset)));
    if (op->limit) {
      int64_t last = 0;
      if (__builtin_add_overflow(*op->limit, op->offset, &last))
        last = std::numeric_limits<int64_t>::max();
      keep.push_back(makeComparison("<=", columnRef(rowNumber), makeInt64Constant(last)));
    }
    LogicalPtr plan = window;
    if (!keep.empty()) plan = makeFilter(plan, keep);
    return {makeProjection(plan, columnRefs(child.plan->columns), context_, child.plan->columns),
            child.mapping};
  }

  /// A series whose bounds use outer values counts once per distinct value set: over D (or
  /// over its input carrying them), each row repeated per value of its own series.
  Result pushSeries(const LogicalPtr& op) {
    std::set<ColumnId> needs = expressionsFree(*op);
    Result input =
        op->children.empty() ? distinctOuter(needs) : pushWithNeeds(op->children[0], needs);
    auto series = std::make_shared<LogicalOperator>(*op);
    series->children = {input.plan};
    series->seriesStart = rewrite(op->seriesStart, input.mapping);
    series->seriesStop = rewrite(op->seriesStop, input.mapping);
    series->columns = input.plan->columns;
    series->columns.push_back(op->columns.back());
    return {series, input.mapping};
  }

  /// VALUES rows with outer values: each row is a projection over D, and the rows are
  /// concatenated (UNION ALL) with D's columns beside them.
  Result pushValues(const LogicalPtr& op) {
    Result d = distinctOuter(expressionsFree(*op));
    std::vector<LogicalPtr> rows;
    for (const auto& row : op->rows) {
      std::vector<BoundExprPtr> exprs;
      std::vector<LogicalColumn> columns = op->columns;
      for (size_t i = 0; i < row.size(); ++i) {
        exprs.push_back(rewrite(row[i], d.mapping));
        if (op->rows.size() > 1) columns[i].id = context_.newColumnId();
      }
      for (const auto& column : d.plan->columns) {
        exprs.push_back(columnRef(column));
        columns.push_back(column);
      }
      rows.push_back(makeProjection(d.plan, exprs, context_, columns));
    }
    if (rows.size() == 1) return {rows[0], d.mapping};
    // The rows' own columns keep the original ids above the concatenation; D's get new ones.
    LogicalPtr result = rows[0];
    for (size_t r = 1; r < rows.size(); ++r) {
      auto concat = std::make_shared<LogicalOperator>();
      concat->kind = LogicalKind::SetOperation;
      concat->setKind = SetOperationKind::Union;
      concat->setAll = true;
      concat->children = {result, rows[r]};
      concat->columns = rows[0]->columns;
      for (auto& column : concat->columns)
        column.id = context_.newColumnId();
      result = concat;
    }
    std::vector<LogicalColumn> columns = op->columns;
    MappingTable mapping;
    for (size_t i = 0; i < d.plan->columns.size(); ++i) {
      LogicalColumn column = d.plan->columns[i];
      column.id = context_.newColumnId();
      columns.push_back(column);
    }
    for (const auto& [free, mapped] : d.mapping) {
      int position = d.plan->positionOf(mapped.column);
      mapping[free] = {columns[op->columns.size() + position].id, true};
    }
    return {makeProjection(result, columnRefs(result->columns), context_, columns), mapping};
  }

  /// Windows partition by the mapped columns too: each outer value gets its own partitions,
  /// as each evaluation of the correlated subquery would.
  Result pushWindow(const LogicalPtr& op) {
    Result child = pushWithNeeds(op->children[0], expressionsFree(*op));
    auto window = std::make_shared<LogicalOperator>(*op);
    window->children = {child.plan};
    for (auto& call : window->windows) {
      for (auto& arg : call.args)
        arg = rewrite(arg, child.mapping);
      for (auto& key : call.partitionKeys)
        key = rewrite(key, child.mapping);
      for (auto& key : call.orderKeys)
        key.expr = rewrite(key.expr, child.mapping);
      for (const auto& [free, mapped] : child.mapping) {
        int position = child.plan->positionOf(mapped.column);
        call.partitionKeys.push_back(columnRef(child.plan->columns[position]));
      }
    }
    std::vector<LogicalColumn> values(op->columns.end() - op->windows.size(), op->columns.end());
    window->columns = child.plan->columns;
    window->columns.insert(window->columns.end(), values.begin(), values.end());
    return {window, child.mapping};
  }

  Result pushJoin(const LogicalPtr& op) {
    const JoinKind kind = op->joinKind;
    Result left = push(op->children[0]);
    Result right = push(op->children[1]);
    if (kind == JoinKind::Full) return pushFullJoin(op, left, right);
    MappingTable mapping;
    std::vector<BoundExprPtr> predicates;
    if (kind == JoinKind::Inner) {
      mapping = left.mapping;
      for (const auto& [free, mapped] : right.mapping) {
        auto it = mapping.find(free);
        if (it == mapping.end()) {
          mapping[free] = mapped;
          continue;
        }
        predicates.push_back(sameValue(it->second, mapped, *left.plan, *right.plan));
      }
    } else {
      // The side that keeps every row (the right one of a RIGHT join, the left one of every
      // other kind) must carry every outer value; the other side's rows match on them.
      bool keepsRight = kind == JoinKind::Right;
      Result& kept = keepsRight ? right : left;
      const Result& other = keepsRight ? left : right;
      std::set<ColumnId> needs = expressionsFree(*op);
      for (const auto& [free, mapped] : other.mapping)
        needs.insert(free);
      carryOuterValues(kept, needs);
      mapping = kept.mapping;
      for (const auto& [free, mapped] : other.mapping)
        predicates.push_back(keepsRight
                                 ? sameValue(mapped, mapping.at(free), *left.plan, *right.plan)
                                 : sameValue(mapping.at(free), mapped, *left.plan, *right.plan));
    }
    auto join = std::make_shared<LogicalOperator>(*op);
    join->children = {left.plan, right.plan};
    std::vector<BoundExprPtr> own = op->predicates;
    if (kind == JoinKind::Inner) {
      LogicalOperator both;
      both.columns = left.plan->columns;
      both.columns.insert(both.columns.end(), right.plan->columns.begin(),
                          right.plan->columns.end());
      own = substituteEqualities(own, both, mapping);
      // An inner join's condition may use outer values that neither side carries yet.
      std::set<ColumnId> missing = unmapped(own, mapping);
      if (!missing.empty()) {
        Result d = distinctOuter(missing);
        join->children[0] = makeJoin(JoinKind::Inner, d.plan, join->children[0], {});
        mapping.insert(d.mapping.begin(), d.mapping.end());
      }
    }
    for (auto& predicate : own)
      predicates.push_back(rewrite(predicate, mapping));
    join->predicates = predicates;
    join->columns = outputColumnsOfJoin(*join);
    if (join->mark.comparison) join->mark.comparison = rewrite(join->mark.comparison, mapping);
    return {join, mapping};
  }

  /// Joins D into `side` for the outer values of `needs` it does not carry yet.
  void carryOuterValues(Result& side, const std::set<ColumnId>& needs) {
    std::set<ColumnId> missing;
    for (ColumnId id : needs)
      if (!side.mapping.count(id)) missing.insert(id);
    if (missing.empty()) return;
    Result d = distinctOuter(missing);
    side.plan = makeJoin(JoinKind::Inner, d.plan, side.plan, {});
    side.mapping.insert(d.mapping.begin(), d.mapping.end());
  }

  /// Rows whose outer value comes from an equality with a null never belong to any outer row;
  /// they are dropped so that the value can be compared null-safely from here on.
  void dropNullMappings(Result& side) {
    std::vector<BoundExprPtr> notNull;
    for (auto& [free, mapped] : side.mapping) {
      if (mapped.nullSafe) continue;
      auto test = std::make_shared<BoundExpr>();
      test->kind = BoundKind::IsNotNull;
      test->type = SqlType::boolean();
      test->args = {columnRef(side.plan->columns[side.plan->positionOf(mapped.column)])};
      notNull.push_back(test);
      mapped.nullSafe = true;
    }
    if (!notNull.empty()) side.plan = makeFilter(side.plan, notNull);
  }

  /// Both sides of a FULL join keep their rows, so both carry every outer value, and a row's
  /// value is the one of whichever side it has.
  Result pushFullJoin(const LogicalPtr& op, Result& left, Result& right) {
    std::set<ColumnId> needs = expressionsFree(*op);
    for (const auto* side : {&left, &right})
      for (const auto& [free, mapped] : side->mapping)
        needs.insert(free);
    for (auto* side : {&left, &right}) {
      carryOuterValues(*side, needs);
      dropNullMappings(*side);
    }
    auto join = std::make_shared<LogicalOperator>(*op);
    join->children = {left.plan, right.plan};
    join->predicates.clear();
    for (ColumnId id : needs)
      join->predicates.push_back(
          sameValue(left.mapping.at(id), right.mapping.at(id), *left.plan, *right.plan));
    for (const auto& predicate : op->predicates)
      join->predicates.push_back(rewrite(predicate, left.mapping));
    join->columns = outputColumnsOfJoin(*join);
    std::vector<BoundExprPtr> values = columnRefs(join->columns);
    std::vector<LogicalColumn> columns = join->columns;
    MappingTable mapping;
    for (ColumnId id : needs) {
      const LogicalOperator& l = *left.plan;
      const LogicalOperator& r = *right.plan;
      const LogicalColumn& a = l.columns[l.positionOf(left.mapping.at(id).column)];
      const LogicalColumn& b = r.columns[r.positionOf(right.mapping.at(id).column)];
      auto present = std::make_shared<BoundExpr>();
      present->kind = BoundKind::IsNotNull;
      present->type = SqlType::boolean();
      present->args = {columnRef(a)};
      LogicalColumn value = a;
      value.id = context_.newColumnId();
      value.notNull = false;
      values.push_back(makeCase(present, columnRef(a), columnRef(b)));
      columns.push_back(value);
      mapping[id] = {value.id, true};
    }
    return {makeProjection(join, values, context_, columns), mapping};
  }

  BoundExprPtr sameValue(const Mapping& a, const Mapping& b, const LogicalOperator& left,
                         const LogicalOperator& right) {
    const LogicalColumn& l = left.columns[left.positionOf(a.column)];
    const LogicalColumn& r = right.columns[right.positionOf(b.column)];
    return makeComparison(a.nullSafe || b.nullSafe ? "IS NOT DISTINCT FROM" : "=", columnRef(l),
                          columnRef(r));
  }

  Result pushSetOperation(const LogicalPtr& op) {
    std::set<ColumnId> all = referencedFree(*op);
    auto setOp = std::make_shared<LogicalOperator>(*op);
    MappingTable mapping;
    std::vector<ColumnId> order(all.begin(), all.end());
    for (size_t side = 0; side < 2; ++side) {
      Result input = pushWithNeeds(op->children[side], all);
      // The set operation's key columns are compared null-safe above.
      dropNullMappings(input);
      std::vector<BoundExprPtr> columns;
      for (const auto& column : op->children[side]->columns)
        columns.push_back(columnRef(column));
      for (ColumnId id : order) {
        const Mapping& mapped = input.mapping.at(id);
        columns.push_back(columnRef(input.plan->columns[input.plan->positionOf(mapped.column)]));
      }
      setOp->children[side] = makeProjection(input.plan, columns, context_);
    }
    for (ColumnId id : order) {
      const LogicalColumn& sample =
          setOp->children[0]->columns[op->columns.size() + mapping.size()];
      LogicalColumn column = sample;
      column.id = context_.newColumnId();
      setOp->columns.push_back(column);
      mapping[id] = {column.id, true};
    }
    return {setOp, mapping};
  }

  const LogicalPtr& outer_;
  const std::set<ColumnId>& free_;
  OptimizerContext& context_;
  const LogicalOperator* emptyByCaller_;
};

bool containsSubquery(const BoundExprPtr& expr) {
  if (!expr) return false;
  if (expr->kind == BoundKind::Subquery) return true;
  for (const auto& arg : expr->args)
    if (containsSubquery(arg)) return true;
  return false;
}

const char* negatedComparison(const std::string& op) {
  if (op == "=") return "<>";
  if (op == "<>") return "=";
  if (op == "<") return ">=";
  if (op == "<=") return ">";
  if (op == ">") return "<=";
  return "<";
}

/// `operands op column` for IN / ANY / ALL, one conjunct per member for a row compared with =
/// (a row is equal when every member is, unequal when any is).
std::vector<BoundExprPtr> quantifiedComparison(const std::string& op,
                                               const std::vector<BoundExprPtr>& operands,
                                               const LogicalOperator& plan) {
  std::vector<BoundExprPtr> members;
  for (size_t i = 0; i < operands.size(); ++i)
    members.push_back(makeComparison(op, operands[i], columnRef(plan.columns[i])));
  if (members.size() == 1 || op == "=") return members;
  return {makeOr(members)};
}

BoundExprPtr conjunctionOf(std::vector<BoundExprPtr> conjuncts) {
  return conjuncts.size() == 1 ? conjuncts[0] : makeAnd(std::move(conjuncts));
}

/// What a plan over an aggregate without GROUP BY yields when the aggregate's correlated input
/// is empty, per output column, and that aggregate. Callers that join the decorrelated plan
/// substitute these values where the join finds no group, which spares the join with the
/// distinct outer values that the Decorrelator would otherwise add (fillEmptyGroups). Only
/// projections and sorts may stand above the aggregate: a filter (HAVING) or LIMIT decides
/// whether the row exists at all, which the Decorrelator's filled groups handle.
struct EmptyResult {
  std::vector<BoundExprPtr> values;
  const LogicalOperator* aggregate = nullptr;
};

std::optional<EmptyResult> emptyResult(const LogicalOperator& op) {
  switch (op.kind) {
  case LogicalKind::Aggregate: {
    if (!op.groupKeys.empty()) return std::nullopt;
    EmptyResult result;
    result.aggregate = &op;
    for (size_t i = 0; i < op.aggregates.size(); ++i)
      result.values.push_back(emptyAggregateValue(op.aggregates[i], op.columns[i].type));
    return result;
  }
  case LogicalKind::Project: {
    auto child = emptyResult(*op.children[0]);
    if (!child) return std::nullopt;
    const LogicalOperator& input = *op.children[0];
    EmptyResult result;
    result.aggregate = child->aggregate;
    for (const auto& expr : op.expressions)
      result.values.push_back(foldNulls(substituteColumns(expr, [&](const BoundExpr& column) {
        int position = input.positionOf(column.index);
        return position < 0 ? nullptr : child->values[position];
      })));
    return result;
  }
  case LogicalKind::Sort:
    return emptyResult(*op.children[0]);
  default:
    return std::nullopt;
  }
}

class SubqueryUnnester {
public:
  explicit SubqueryUnnester(OptimizerContext& context) : context_(context) {}

  LogicalPtr rewrite(const LogicalPtr& op) {
    checkStackDepth();
    auto copy = std::make_shared<LogicalOperator>(*op);
    for (auto& child : copy->children)
      child = rewrite(child);
    if (copy->kind == LogicalKind::Join) {
      std::set<ColumnId> local = lateralReferences(*copy);
      if (!local.empty()) return rewrite(decorrelateJoin(copy, local));
    }
    bool any = false;
    forEachExpression(*copy, false,
                      [&](const BoundExprPtr& expr) { any = any || containsSubquery(expr); });
    if (!any) return copy;
    switch (copy->kind) {
    case LogicalKind::Filter:
      return rewriteFilter(copy);
    case LogicalKind::Project: {
      LogicalPtr input = copy->children[0];
      for (auto& expr : copy->expressions)
        expr = replaceSubqueries(expr, input);
      copy->children = {input};
      return copy;
    }
    case LogicalKind::Window: {
      // Subqueries in window arguments and keys join the input, as for a projection; the
      // Window passes the input's columns on, so its columns follow the widened input.
      LogicalPtr input = copy->children[0];
      for (auto& window : copy->windows) {
        for (auto& arg : window.args)
          arg = replaceSubqueries(arg, input);
        for (auto& key : window.partitionKeys)
          key = replaceSubqueries(key, input);
        for (auto& key : window.orderKeys)
          key.expr = replaceSubqueries(key.expr, input);
      }
      std::vector<LogicalColumn> values(copy->columns.end() - copy->windows.size(),
                                        copy->columns.end());
      copy->children = {input};
      copy->columns = input->columns;
      copy->columns.insert(copy->columns.end(), values.begin(), values.end());
      return copy;
    }
    case LogicalKind::Aggregate: {
      // Subqueries in group keys and aggregate arguments, FILTER and ORDER BY are values of
      // the input rows: they join the input, as for a projection.
      LogicalPtr input = copy->children[0];
      for (auto& key : copy->groupKeys)
        key = replaceSubqueries(key, input);
      for (auto& spec : copy->aggregates)
        ir::mapAggregateExpressions(
            spec, [&](const BoundExprPtr& expr) { return replaceSubqueries(expr, input); });
      copy->children = {input};
      return copy;
    }
    case LogicalKind::Values:
      return rewriteValues(copy);
    case LogicalKind::Series: {
      // Bounds with subqueries: the series counts over one row that the subqueries join.
      LogicalPtr input = copy->children.empty() ? oneRow() : copy->children[0];
      copy->seriesStart = replaceSubqueries(copy->seriesStart, input);
      copy->seriesStop = replaceSubqueries(copy->seriesStop, input);
      copy->children = {input};
      copy->columns = input->columns;
      copy->columns.push_back(op->columns.back());
      return makeProjection(copy, columnRefs(op->columns), context_, op->columns);
    }
    case LogicalKind::Join:
      if (copy->joinKind == JoinKind::Inner) {
        // ON conditions of an inner join filter its result.
        auto join = std::make_shared<LogicalOperator>(*copy);
        join->predicates.clear();
        return rewriteFilter(makeFilterNode(join, copy->predicates));
      }
      return rewriteOuterJoinCondition(copy);
    default:
      notSupported("a subquery in this clause");
    }
  }

private:
  static std::shared_ptr<LogicalOperator> makeFilterNode(const LogicalPtr& input,
                                                         const std::vector<BoundExprPtr>& preds) {
    auto filter = std::make_shared<LogicalOperator>();
    filter->kind = LogicalKind::Filter;
    filter->children = {input};
    filter->columns = input->columns;
    filter->predicates = preds;
    return filter;
  }

  /// The join conditions that replace a correlation: each outer column of `local` compared with
  /// the column the decorrelated plan maps it to (null-safe where that column comes from D).
  static std::vector<BoundExprPtr> correlationConditions(const std::set<ColumnId>& local,
                                                         const LogicalOperator& outer,
                                                         const Decorrelator::Result& result) {
    std::vector<BoundExprPtr> conditions;
    for (ColumnId id : local) {
      const Mapping& mapped = result.mapping.at(id);
      const LogicalColumn& value = outer.columns[outer.positionOf(id)];
      const LogicalColumn& inner = result.plan->columns[result.plan->positionOf(mapped.column)];
      conditions.push_back(makeComparison(mapped.nullSafe ? "IS NOT DISTINCT FROM" : "=",
                                          columnRef(value), columnRef(inner)));
    }
    return conditions;
  }

  /// The left input's columns that the right input of a join refers to (LATERAL): non-empty
  /// makes it a dependent join.
  static std::set<ColumnId> lateralReferences(const LogicalOperator& join) {
    std::set<ColumnId> found;
    const LogicalOperator& left = *join.children[0];
    forEachExpression(*join.children[1], true, [&](const BoundExprPtr& expr) {
      for (ColumnId id : columnsOf(expr))
        if (left.positionOf(id) >= 0) found.insert(id);
    });
    return found;
  }

  /// A dependent join (its right input refers to its left input's columns `local`) becomes a
  /// join of the left input with the right input decorrelated against it, joined on the
  /// correlated values. A right input that yields a row even for no input (an aggregate without
  /// GROUP BY) yields it for every left row: a left join whose missing rows get those values.
  LogicalPtr decorrelateJoin(const std::shared_ptr<LogicalOperator>& join,
                             const std::set<ColumnId>& local) {
    if (join->joinKind != JoinKind::Inner && join->joinKind != JoinKind::Left)
      throw Error(SqlState::InvalidColumnReference,
                  "invalid reference to FROM-clause entry in a LATERAL subquery")
          .withDetail("The combining JOIN type must be INNER or LEFT for a LATERAL reference.");
    LogicalPtr left = join->children[0];
    LogicalPtr right = join->children[1];
    if (right->kind == LogicalKind::Series && right->children.empty() &&
        join->joinKind == JoinKind::Inner)
      return seriesOver(join, left, right);
    // The values for no rows are substituted above the join unless a LEFT JOIN's ON condition
    // must first decide over them; then the Decorrelator fills the empty groups.
    auto empty = emptyResult(*right);
    if (join->joinKind == JoinKind::Left && !join->predicates.empty()) empty.reset();
    Decorrelator decorrelator(left, local, context_, empty ? empty->aggregate : nullptr);
    auto result = decorrelator.push(right);
    std::vector<BoundExprPtr> correlation = correlationConditions(local, *left, result);
    if (!empty) {
      auto rewritten = std::make_shared<LogicalOperator>(*join);
      rewritten->children = {left, result.plan};
      rewritten->predicates.insert(rewritten->predicates.end(), correlation.begin(),
                                   correlation.end());
      rewritten->columns = outputColumnsOfJoin(*rewritten);
      return makeProjection(rewritten, columnRefs(join->columns), context_, join->columns);
    }
    // Fresh ids below, a "matched" marker, and above it the original ids: the value where a
    // row matched, else what the right input yields for no rows.
    std::vector<LogicalColumn> renamed;
    for (LogicalColumn column : result.plan->columns) {
      column.id = context_.newColumnId();
      renamed.push_back(column);
    }
    LogicalColumn marker{context_.newColumnId(), SqlType::boolean(), "matched", true};
    std::vector<BoundExprPtr> below = columnRefs(result.plan->columns);
    below.push_back(makeBoolConstant(true));
    renamed.push_back(marker);
    LogicalPtr withMarker = makeProjection(result.plan, below, context_, renamed);
    std::map<ColumnId, ColumnId> renames;
    for (size_t i = 0; i < result.plan->columns.size(); ++i)
      renames[result.plan->columns[i].id] = renamed[i].id;
    for (auto& condition : correlation)
      condition = substituteColumns(condition, [&](const BoundExpr& column) -> BoundExprPtr {
        auto it = renames.find(column.index);
        if (it == renames.end()) return nullptr;
        auto copy = std::make_shared<BoundExpr>(column);
        copy->index = it->second;
        return copy;
      });
    LogicalPtr outerJoin = makeJoin(JoinKind::Left, left, withMarker, correlation);
    auto matched = std::make_shared<BoundExpr>();
    matched->kind = BoundKind::IsNotNull;
    matched->type = SqlType::boolean();
    matched->args = {columnRef(marker)};
    std::vector<BoundExprPtr> values = columnRefs(left->columns);
    for (size_t i = 0; i < right->columns.size(); ++i) {
      const LogicalColumn& value = renamed[result.plan->positionOf(right->columns[i].id)];
      values.push_back(makeCase(matched, columnRef(value), empty->values[i]));
    }
    std::vector<LogicalColumn> columns = left->columns;
    columns.insert(columns.end(), right->columns.begin(), right->columns.end());
    LogicalPtr plan = makeProjection(outerJoin, values, context_, columns);
    if (!join->predicates.empty()) plan = makeFilter(plan, join->predicates);
    return plan;
  }

  /// `left JOIN LATERAL generate_series(... left's columns ...)`: the series counts over the
  /// left input's rows directly, with the join's conditions as a filter above.
  LogicalPtr seriesOver(const std::shared_ptr<LogicalOperator>& join, const LogicalPtr& left,
                        const LogicalPtr& right) {
    auto series = std::make_shared<LogicalOperator>(*right);
    series->children = {left};
    series->columns = left->columns;
    series->columns.push_back(right->columns.back());
    LogicalPtr plan = series;
    if (!join->predicates.empty()) plan = makeFilter(plan, join->predicates);
    return makeProjection(plan, columnRefs(join->columns), context_, join->columns);
  }

  /// Columns `expr` reads, the correlated references of the subqueries inside it included.
  static std::set<ColumnId> readsOf(const BoundExprPtr& expr) {
    std::set<ColumnId> ids = columnsOf(expr);
    std::function<void(const BoundExprPtr&)> walk = [&](const BoundExprPtr& e) {
      if (e->kind == BoundKind::Subquery)
        ids.insert(e->subquery->correlated.begin(), e->subquery->correlated.end());
      for (const auto& arg : e->args)
        walk(arg);
    };
    walk(expr);
    return ids;
  }

  /// An outer join's ON condition holds per pair of rows; a subquery in it whose operands and
  /// correlated references are columns of one side has the same value for every pair with that
  /// side's row, so it becomes a mark or single join on that input, which keeps its rows one
  /// for one. The output is projected back to the join's own columns.
  LogicalPtr rewriteOuterJoinCondition(const std::shared_ptr<LogicalOperator>& join) {
    LogicalPtr left = join->children[0];
    LogicalPtr right = join->children[1];
    auto within = [](const std::set<ColumnId>& ids, const LogicalOperator& side) {
      for (ColumnId id : ids)
        if (side.positionOf(id) < 0) return false;
      return true;
    };
    // Conjuncts with a subquery that reads both sides decide per pair of rows.
    std::vector<BoundExprPtr> pairwise, rest;
    for (const auto& predicate : join->predicates) {
      bool both = false;
      forEachSubquery(predicate, [&](const BoundExprPtr& subquery) {
        std::set<ColumnId> reads = readsOf(subquery);
        both = both || (!within(reads, *left) && !within(reads, *right));
      });
      (both ? pairwise : rest).push_back(predicate);
    }
    if (!pairwise.empty()) return lateralOuterJoin(join, pairwise, rest);
    std::function<BoundExprPtr(const BoundExprPtr&)> place = [&](const BoundExprPtr& expr) {
      if (!containsSubquery(expr)) return expr;
      if (expr->kind != BoundKind::Subquery) {
        auto copy = std::make_shared<BoundExpr>(*expr);
        for (auto& arg : copy->args)
          arg = place(arg);
        return BoundExprPtr(copy);
      }
      std::set<ColumnId> reads = readsOf(expr);
      if (within(reads, *left)) return replaceSubqueries(expr, left);
      if (within(reads, *right)) return replaceSubqueries(expr, right);
      notSupported("a subquery in an outer join's ON condition that refers to both sides");
    };
    for (auto& predicate : join->predicates)
      predicate = place(predicate);
    auto rewritten = std::make_shared<LogicalOperator>(*join);
    rewritten->children = {left, right};
    rewritten->columns = outputColumnsOfJoin(*rewritten);
    return makeProjection(rewritten, columnRefs(join->columns), context_, join->columns);
  }

  static LogicalPtr oneRow() {
    auto values = std::make_shared<LogicalOperator>();
    values->kind = LogicalKind::Values;
    values->rows.push_back({});
    return values;
  }

  /// VALUES rows with subqueries: each such row is a projection over one row that the
  /// subqueries join, and the rows are concatenated in order (UNION ALL).
  LogicalPtr rewriteValues(const std::shared_ptr<LogicalOperator>& values) {
    LogicalPtr result;
    auto append = [&](LogicalPtr rows) {
      if (!result) {
        result = rows;
        return;
      }
      auto concat = std::make_shared<LogicalOperator>();
      concat->kind = LogicalKind::SetOperation;
      concat->setKind = SetOperationKind::Union;
      concat->setAll = true;
      concat->children = {result, rows};
      for (LogicalColumn column : values->columns) {
        column.id = context_.newColumnId();
        concat->columns.push_back(column);
      }
      result = concat;
    };
    auto plain = std::make_shared<LogicalOperator>(*values);
    plain->rows.clear();
    auto flushPlain = [&] {
      if (plain->rows.empty()) return;
      for (auto& column : plain->columns)
        column.id = context_.newColumnId();
      append(plain);
      plain = std::make_shared<LogicalOperator>(*values);
      plain->rows.clear();
    };
    for (const auto& row : values->rows) {
      bool subqueries = false;
      for (const auto& expr : row)
        subqueries = subqueries || containsSubquery(expr);
      if (!subqueries) {
        plain->rows.push_back(row);
        continue;
      }
      flushPlain();
      LogicalPtr input = oneRow();
      std::vector<BoundExprPtr> exprs;
      for (size_t i = 0; i < row.size(); ++i) {
        // VALUES converts each row to the column types when it produces it; here the
        // projection does.
        BoundExprPtr expr = replaceSubqueries(row[i], input);
        const SqlType& type = values->columns[i].type;
        exprs.push_back(expr->type == type ? expr : implicitCast(expr, type));
      }
      std::vector<LogicalColumn> columns = values->columns;
      for (auto& column : columns)
        column.id = context_.newColumnId();
      append(makeProjection(input, exprs, context_, columns));
    }
    flushPlain();
    // The original ids on top, as the operators above expect.
    return makeProjection(result, columnRefs(result->columns), context_, values->columns);
  }

  static void forEachSubquery(const BoundExprPtr& expr,
                              const std::function<void(const BoundExprPtr&)>& fn) {
    if (expr->kind == BoundKind::Subquery) {
      fn(expr);
      return;
    }
    for (const auto& arg : expr->args)
      forEachSubquery(arg, fn);
  }

  /// `L LEFT JOIN R ON c AND p(L, R)`, where p has a subquery reading both sides, is
  /// `L LEFT JOIN LATERAL (SELECT * FROM R WHERE p(L, R)) ON c`: the right side filtered per
  /// left row, which decorrelation turns into joins (RIGHT joins likewise with the sides
  /// swapped). A FULL join has no such form (PostgreSQL, too, refuses it without a hashable
  /// condition beside it).
  LogicalPtr lateralOuterJoin(const std::shared_ptr<LogicalOperator>& join,
                              const std::vector<BoundExprPtr>& pairwise,
                              const std::vector<BoundExprPtr>& rest) {
    if (join->joinKind != JoinKind::Left && join->joinKind != JoinKind::Right)
      notSupported("a subquery in a FULL join's ON condition that refers to both sides");
    bool swap = join->joinKind == JoinKind::Right;
    LogicalPtr kept = join->children[swap ? 1 : 0];
    LogicalPtr filtered = makeFilterNode(join->children[swap ? 0 : 1], pairwise);
    LogicalPtr lateral = makeJoin(JoinKind::Left, kept, filtered, rest);
    return rewrite(makeProjection(lateral, columnRefs(join->columns), context_, join->columns));
  }

  LogicalPtr rewriteFilter(const std::shared_ptr<LogicalOperator>& filter) {
    LogicalPtr input = filter->children[0];
    std::vector<BoundExprPtr> kept;
    for (const auto& predicate : filter->predicates) {
      if (!containsSubquery(predicate)) {
        kept.push_back(predicate);
        continue;
      }
      // A conjunct that is a whole EXISTS / IN / ANY (or NOT EXISTS) filters by a semi or anti
      // join; anywhere else a subquery becomes a column of a mark or single join.
      const BoundExpr* subquery = predicate.get();
      bool negated = false;
      if (subquery->kind == BoundKind::Not && subquery->args[0]->kind == BoundKind::Subquery &&
          subquery->args[0]->subquery->kind == ast::SubLinkKind::Exists) {
        subquery = subquery->args[0].get();
        negated = true;
      }
      if (subquery->kind == BoundKind::Subquery &&
          (subquery->subquery->kind == ast::SubLinkKind::Exists ||
           (subquery->subquery->kind == ast::SubLinkKind::Any && !negated))) {
        // A subquery in the left operand of IN / ANY becomes a column first.
        auto operands = std::make_shared<BoundExpr>(*subquery);
        for (auto& arg : operands->args)
          arg = replaceSubqueries(arg, input);
        input = filterJoin(input, *operands, negated);
        continue;
      }
      kept.push_back(replaceSubqueries(predicate, input));
    }
    auto result = makeFilterNode(input, kept);
    result->columns = filter->columns;
    if (kept.empty()) {
      // Nothing left to test: keep the original output columns only.
      return makeProjection(input, columnRefs(filter->columns), context_, filter->columns);
    }
    return result;
  }

  /// The subquery's plan, unnested itself, decorrelated against `input`; `predicates` receives
  /// the join conditions that replace the correlation. For a scalar subquery over an aggregate
  /// without GROUP BY, `empty` may receive the value that the caller substitutes for an outer
  /// row without a group (when it depends on `input`'s columns only).
  LogicalPtr prepare(const ir::SubqueryInfo& info, const LogicalPtr& input,
                     std::vector<BoundExprPtr>& predicates, BoundExprPtr* empty = nullptr) {
    LogicalPtr plan = rewrite(info.plan);
    if (info.kind == ast::SubLinkKind::Exists) plan = stripForExists(plan);
    std::set<ColumnId> local;
    for (ColumnId id : info.correlated)
      if (input->positionOf(id) >= 0) local.insert(id);
    if (local.empty()) return plan;
    // EXISTS / IN / ANY whose correlation is only in filters: the filters become conditions of
    // the semi, anti or mark join itself (no per-value D needed).
    if (info.kind != ast::SubLinkKind::Scalar) {
      LogicalPtr pulledPlan;
      std::vector<BoundExprPtr> pulled;
      if (pullCorrelated(plan, local, pulledPlan, pulled)) {
        predicates.insert(predicates.end(), pulled.begin(), pulled.end());
        return pulledPlan;
      }
    }
    const LogicalOperator* emptyByCaller = nullptr;
    if (empty && info.kind == ast::SubLinkKind::Scalar)
      if (auto values = emptyResult(*plan); values && substitutable(values->values[0], *input)) {
        *empty = values->values[0];
        emptyByCaller = values->aggregate;
      }
    Decorrelator decorrelator(input, local, context_, emptyByCaller);
    auto result = decorrelator.push(plan);
    auto conditions = correlationConditions(local, *input, result);
    predicates.insert(predicates.end(), conditions.begin(), conditions.end());
    return result.plan;
  }

  /// prepare() for the subquery expression `subquery`: what it cannot unnest is reported with
  /// the cursor on the subquery.
  LogicalPtr prepareAt(const BoundExpr& subquery, const LogicalPtr& input,
                       std::vector<BoundExprPtr>& predicates, BoundExprPtr* empty = nullptr) {
    try {
      return prepare(*subquery.subquery, input, predicates, empty);
    } catch (Error& error) {
      if (error.state() == SqlState::FeatureNotSupported && subquery.location >= 0)
        error.withPosition(subquery.location + 1);
      throw;
    }
  }

  static bool substitutable(const BoundExprPtr& value, const LogicalOperator& input) {
    if (containsSubquery(value)) return false;
    for (ColumnId id : columnsOf(value))
      if (input.positionOf(id) < 0) return false;
    return true;
  }

  static bool refersTo(const LogicalOperator& op, bool recurse, const std::set<ColumnId>& ids) {
    bool found = false;
    forEachExpression(op, recurse, [&](const BoundExprPtr& expr) {
      for (ColumnId id : columnsOf(expr))
        found = found || ids.count(id);
    });
    return found;
  }

  /// Moves the filters of `op` that refer to `local` into `pulled`, when every such reference
  /// is in a filter or inner-join condition reachable through filters, inner joins and
  /// projections; the projections widen to pass the columns those filters use.
  bool pullCorrelated(const LogicalPtr& op, const std::set<ColumnId>& local, LogicalPtr& out,
                      std::vector<BoundExprPtr>& pulled) {
    if (!refersTo(*op, true, local)) {
      out = op;
      return true;
    }
    switch (op->kind) {
    case LogicalKind::Filter: {
      LogicalPtr child;
      if (!pullCorrelated(op->children[0], local, child, pulled)) return false;
      std::vector<BoundExprPtr> kept;
      for (const auto& predicate : op->predicates) {
        bool correlated = false;
        for (ColumnId id : columnsOf(predicate))
          correlated = correlated || local.count(id);
        (correlated ? pulled : kept).push_back(predicate);
      }
      out = kept.empty() ? child : makeFilter(child, kept);
      return true;
    }
    case LogicalKind::Join: {
      if (op->joinKind != JoinKind::Inner) return false;
      LogicalPtr left, right;
      if (!pullCorrelated(op->children[0], local, left, pulled) ||
          !pullCorrelated(op->children[1], local, right, pulled))
        return false;
      std::vector<BoundExprPtr> kept;
      for (const auto& predicate : op->predicates) {
        bool correlated = false;
        for (ColumnId id : columnsOf(predicate))
          correlated = correlated || local.count(id);
        (correlated ? pulled : kept).push_back(predicate);
      }
      out = makeJoin(JoinKind::Inner, left, right, kept);
      return true;
    }
    case LogicalKind::Project: {
      if (refersTo(*op, false, local)) return false;
      LogicalPtr child;
      size_t before = pulled.size();
      if (!pullCorrelated(op->children[0], local, child, pulled)) return false;
      auto project = std::make_shared<LogicalOperator>(*op);
      project->children = {child};
      for (size_t i = before; i < pulled.size(); ++i)
        for (ColumnId id : columnsOf(pulled[i])) {
          int position = child->positionOf(id);
          if (position < 0 || project->positionOf(id) >= 0) continue;
          project->expressions.push_back(columnRef(child->columns[position]));
          project->columns.push_back(child->columns[position]);
        }
      out = project;
      return true;
    }
    default:
      return false;
    }
  }

  /// EXISTS ignores the subquery's columns, order, and a positive LIMIT without OFFSET.
  static LogicalPtr stripForExists(LogicalPtr plan) {
    while (true) {
      if (plan->kind == LogicalKind::Sort || plan->kind == LogicalKind::Project) {
        plan = plan->children[0];
        continue;
      }
      if (plan->kind == LogicalKind::Limit && plan->offset == 0 && plan->limit &&
          *plan->limit > 0) {
        plan = plan->children[0];
        continue;
      }
      return plan;
    }
  }

  LogicalPtr filterJoin(const LogicalPtr& input, const BoundExpr& subquery, bool negated) {
    const ir::SubqueryInfo& info = *subquery.subquery;
    std::vector<BoundExprPtr> predicates;
    LogicalPtr plan = prepareAt(subquery, input, predicates);
    if (info.kind == ast::SubLinkKind::Any)
      for (auto& comparison : quantifiedComparison(info.op, subquery.args, *plan))
        predicates.push_back(comparison);
    return makeJoin(negated ? JoinKind::Anti : JoinKind::Semi, input, plan, predicates);
  }

  /// Replaces every subquery inside `expr` by a column that joins added to `input` provide.
  BoundExprPtr replaceSubqueries(const BoundExprPtr& expr, LogicalPtr& input) {
    if (!containsSubquery(expr)) return expr;
    if (expr->kind != BoundKind::Subquery) {
      auto copy = std::make_shared<BoundExpr>(*expr);
      for (auto& arg : copy->args)
        arg = replaceSubqueries(arg, input);
      return copy;
    }
    const ir::SubqueryInfo& info = *expr->subquery;
    // A subquery in the left operand of ANY / ALL becomes a column first.
    auto operands = std::make_shared<BoundExpr>(*expr);
    for (auto& arg : operands->args)
      arg = replaceSubqueries(arg, input);
    std::vector<BoundExprPtr> predicates;
    BoundExprPtr empty;
    LogicalPtr plan = prepareAt(*expr, input, predicates, &empty);
    if (info.kind == ast::SubLinkKind::Scalar) return scalarJoin(plan, predicates, empty, input);
    auto join = std::make_shared<LogicalOperator>();
    join->kind = LogicalKind::Join;
    join->joinKind = JoinKind::Mark;
    join->children = {input, plan};
    join->predicates = predicates;
    LogicalColumn mark{context_.newColumnId(), SqlType::boolean(), "mark", false};
    join->mark.column = mark.id;
    bool all = info.kind == ast::SubLinkKind::All;
    if (info.kind != ast::SubLinkKind::Exists)
      join->mark.comparison = conjunctionOf(quantifiedComparison(
          all ? negatedComparison(info.op) : info.op.c_str(), operands->args, *plan));
    join->columns = input->columns;
    join->columns.push_back(mark);
    input = join;
    BoundExprPtr result = columnRef(mark);
    return all ? makeNot(result) : result;
  }

  /// `empty`: the value for an outer row without a matching row (null when none applies).
  BoundExprPtr scalarJoin(const LogicalPtr& plan, const std::vector<BoundExprPtr>& predicates,
                          const BoundExprPtr& empty, LogicalPtr& input) {
    auto join = std::make_shared<LogicalOperator>();
    join->kind = LogicalKind::Join;
    join->joinKind = JoinKind::Single;
    join->children = {input, plan};
    join->predicates = predicates;
    LogicalColumn matched{context_.newColumnId(), SqlType::boolean(), "matched", true};
    join->matched = matched.id;
    join->columns = input->columns;
    join->columns.insert(join->columns.end(), plan->columns.begin(), plan->columns.end());
    join->columns.push_back(matched);
    input = join;
    BoundExprPtr value = columnRef(plan->columns[0]);
    if (!empty || isNullConstant(empty)) return value;
    return makeCase(columnRef(matched), value, empty);
  }

  OptimizerContext& context_;
};

} // namespace

LogicalPtr unnestSubqueries(const LogicalPtr& plan, OptimizerContext& context) {
  SubqueryUnnester unnester(context);
  return unnester.rewrite(plan);
}

} // namespace flern::planner

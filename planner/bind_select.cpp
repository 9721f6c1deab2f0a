// The binder's query blocks: SELECT, VALUES, set operations and WITH become logical operators.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/type_rules.h"

#include <algorithm>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;
using namespace typing;

namespace {

std::shared_ptr<LogicalOperator> makeOperator(LogicalKind kind, LogicalPtr child = nullptr) {
  auto op = std::make_shared<LogicalOperator>();
  op->kind = kind;
  if (child) op->children.push_back(std::move(child));
  return op;
}

/// A Project computing `expressions` into new columns named `names`.
std::shared_ptr<LogicalOperator> makeProject(LogicalPtr child,
                                             const std::vector<BoundExprPtr>& expressions,
                                             const std::vector<std::string>& names,
                                             Binder& binder) {
  auto project = makeOperator(LogicalKind::Project, std::move(child));
  for (size_t i = 0; i < expressions.size(); ++i) {
    // An untyped literal stays unknown until a set operation or the query's result decides.
    project->expressions.push_back(expressions[i]);
    project->columns.push_back({binder.newColumnId(), expressions[i]->type, names[i], false});
  }
  return project;
}

} // namespace

BoundQuery Binder::bindQuery(const ast::SelectStmt& select,
                             const std::vector<storage::ColumnDef>* insertTargets,
                             bool resolveUnknown) {
  cteProducers_.clear();
  BlockResult block = bindBlock(select, nullptr, insertTargets);
  if (resolveUnknown) block = resolveUnknownColumns(block);
  BoundQuery query;
  query.plan = placeCtes(block.plan);
  query.columnNames = block.names;
  return query;
}

Binder::BlockResult Binder::bindBlock(const ast::SelectStmt& select, const Scope* parent,
                                      const std::vector<storage::ColumnDef>* insertTargets) {
  size_t ctesBefore = ctes_.size();
  bindWith(select, parent);
  BlockResult block;
  if (select.setOperation != ast::SetOperation::None)
    block = bindSetOperation(select, parent);
  else if (!select.values.empty())
    block = bindValues(select, parent, insertTargets);
  else
    block = bindSelectCore(select, parent);
  ctes_.resize(ctesBefore);
  return block;
}

Binder::BlockResult Binder::bindSetOperation(const ast::SelectStmt& select, const Scope* parent) {
  BlockResult left = bindBlock(*select.left, parent);
  BlockResult right = bindBlock(*select.right, parent);
  const char* name = select.setOperation == ast::SetOperation::Union       ? "UNION"
                     : select.setOperation == ast::SetOperation::Intersect ? "INTERSECT"
                                                                           : "EXCEPT";
  if (left.plan->columns.size() != right.plan->columns.size())
    throw Error(SqlState::SyntaxError,
                std::string("each ") + name + " query must have the same number of columns");
  // Both inputs convert to the common type of each column.
  std::vector<SqlType> types;
  for (size_t i = 0; i < left.plan->columns.size(); ++i) {
    const SqlType& l = left.plan->columns[i].type;
    const SqlType& r = right.plan->columns[i].type;
    auto type = unifyResultType(l, r);
    if (!type)
      throw Error(SqlState::DatatypeMismatch, std::string(name) + " types " + l.name() + " and " +
                                                  r.name() + " cannot be matched");
    if (type->id == TypeId::Unknown) type = SqlType::text();
    types.push_back(*type);
  }
  left = castColumns(std::move(left), types);
  right = castColumns(std::move(right), types);
  auto setOp = makeOperator(LogicalKind::SetOperation);
  setOp->children = {left.plan, right.plan};
  setOp->setKind = select.setOperation == ast::SetOperation::Union ? SetOperationKind::Union
                   : select.setOperation == ast::SetOperation::Intersect
                       ? SetOperationKind::Intersect
                       : SetOperationKind::Except;
  setOp->setAll = select.setAll;
  for (size_t i = 0; i < types.size(); ++i)
    setOp->columns.push_back({newColumnId(), types[i], left.names[i], false});
  BlockResult result{setOp, left.names, left.outerReferences};
  for (ColumnId id : right.outerReferences)
    if (std::find(result.outerReferences.begin(), result.outerReferences.end(), id) ==
        result.outerReferences.end())
      result.outerReferences.push_back(id);
  // ORDER BY and LIMIT of a set operation see only its output columns.
  return orderAndLimit(select, result);
}

Binder::BlockResult Binder::bindValues(const ast::SelectStmt& select, const Scope* parent,
                                       const std::vector<storage::ColumnDef>* insertTargets) {
  // Rows may refer to an enclosing query (correlated, or LATERAL (VALUES (t.a), (t.b))).
  Scope rowScope{{}, {}, parent, std::make_shared<std::vector<ColumnId>>()};
  AggregateContext none{nullptr, "VALUES"};
  size_t width = select.values[0].size();
  std::vector<std::vector<BoundExprPtr>> rows;
  std::vector<SqlType> types(width, SqlType::unknown());
  for (const auto& row : select.values) {
    if (row.size() != width)
      throw Error(SqlState::SyntaxError, "VALUES lists must all be the same length",
                  row.empty() ? -1 : row[0]->location + 1);
    if (insertTargets && width > insertTargets->size())
      throw Error(SqlState::SyntaxError, "INSERT has more expressions than target columns",
                  row[insertTargets->size()]->location + 1);
    std::vector<BoundExprPtr> bound;
    for (size_t i = 0; i < width; ++i) {
      bound.push_back(bind(*row[i], rowScope, none));
      if (insertTargets)
        bound.back() =
            assignmentCast(bound.back(), (*insertTargets)[i].type, (*insertTargets)[i].name);
      auto merged = unifyResultType(types[i], bound.back()->type);
      if (!merged)
        throw Error(SqlState::DatatypeMismatch,
                    "VALUES types " + types[i].name() + " and " + bound.back()->type.name() +
                        " cannot be matched",
                    row[i]->location + 1);
      types[i] = *merged;
    }
    rows.push_back(std::move(bound));
  }
  auto values = makeOperator(LogicalKind::Values);
  BlockResult result;
  for (size_t i = 0; i < width; ++i) {
    // Unresolved literals (all-NULL or all-string columns) are text, as in PostgreSQL.
    if (types[i].id == TypeId::Unknown) types[i] = SqlType::text();
    std::string name = "column" + std::to_string(i + 1);
    values->columns.push_back({newColumnId(), types[i], name, false});
    result.names.push_back(name);
  }
  for (auto& row : rows)
    for (size_t i = 0; i < width; ++i)
      row[i] = implicitCast(row[i], types[i]);
  values->rows = std::move(rows);
  result.plan = values;
  result.outerReferences = *rowScope.outerReferences;
  return orderAndLimit(select, result);
}

BoundExprPtr Binder::resolveGrouping(const BoundExprPtr& expr, const LogicalOperator& aggregate,
                                     const std::vector<ColumnId>& localColumns) {
  std::string text = expr->toString();
  for (size_t i = 0; i < aggregate.groupKeys.size(); ++i)
    if (aggregate.groupKeys[i]->toString() == text) return columnRef(aggregate.columns[i]);
  if (expr->kind == BoundKind::AggregateRef)
    return columnRef(aggregate.columns[aggregate.groupKeys.size() + expr->index]);
  if (expr->kind == BoundKind::Column) {
    // Columns of enclosing queries are constants here.
    if (std::find(localColumns.begin(), localColumns.end(), expr->index) == localColumns.end())
      return expr;
    throw Error(SqlState::GroupingError,
                "column \"" + expr->name +
                    "\" must appear in the GROUP BY clause or be used in an aggregate function",
                expr->location + 1);
  }
  if (expr->kind == BoundKind::Subquery) {
    // A subquery may refer to the grouped query's columns: only to its group keys.
    return substituteColumns(expr, [&](const BoundExpr& column) -> BoundExprPtr {
      auto ref = std::make_shared<BoundExpr>(column);
      return resolveGrouping(ref, aggregate, localColumns);
    });
  }
  if (expr->args.empty()) return expr;
  auto copy = std::make_shared<BoundExpr>(*expr);
  for (auto& arg : copy->args)
    arg = resolveGrouping(arg, aggregate, localColumns);
  return copy;
}

Binder::BlockResult Binder::castColumns(BlockResult block, const std::vector<SqlType>& types) {
  const auto& columns = block.plan->columns;
  bool any = false;
  for (size_t i = 0; i < columns.size(); ++i)
    any = any || !(columns[i].type == types[i]);
  if (!any) return block;
  if (block.plan->kind == LogicalKind::Project) {
    // Convert inside the projection, so that literals are parsed, not cast per row.
    auto project = std::make_shared<LogicalOperator>(*block.plan);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].type == types[i]) continue;
      project->expressions[i] = implicitCast(project->expressions[i], types[i]);
      project->columns[i].type = types[i];
    }
    block.plan = project;
    return block;
  }
  std::vector<BoundExprPtr> casts;
  for (size_t i = 0; i < columns.size(); ++i)
    casts.push_back(implicitCast(columnRef(columns[i]), types[i]));
  block.plan = makeProject(block.plan, casts, block.names, *this);
  return block;
}

Binder::BlockResult Binder::resolveUnknownColumns(BlockResult block) {
  // Untyped literals that leave a query block are text, as in PostgreSQL.
  std::vector<SqlType> types;
  for (const auto& column : block.plan->columns)
    types.push_back(column.type.id == TypeId::Unknown ? SqlType::text() : column.type);
  return castColumns(std::move(block), types);
}

void Binder::mergeReferences(std::vector<ColumnId>& into, const std::vector<ColumnId>& from) {
  for (ColumnId id : from)
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
}

void Binder::bindTargets(const ast::SelectStmt& select, const Scope& scope,
                         AggregateContext& aggregates, std::vector<BoundExprPtr>& targets,
                         std::vector<std::string>& names) {
  for (const auto& target : select.targets) {
    if (target.expr->kind != ast::ExprKind::Star) {
      // Untyped literals stay unknown here: INSERT converts them to the column type, and a
      // query result sends them as text.
      targets.push_back(bind(*target.expr, scope, aggregates));
      names.push_back(target.alias.empty() ? figureColumnName(*target.expr) : target.alias);
      continue;
    }
    std::string relation = target.expr->names.empty() ? "" : target.expr->names.back();
    bool any = false;
    for (const auto& column : scope.columns) {
      if (relation.empty() ? !column.inStar : column.relation != relation) continue;
      any = true;
      auto node = std::const_pointer_cast<BoundExpr>(columnRef(column.column));
      node->location = target.expr->location;
      targets.push_back(node);
      names.push_back(column.name);
    }
    if (!any && !relation.empty() &&
        std::find(scope.relations.begin(), scope.relations.end(), relation) ==
            scope.relations.end())
      throw Error(SqlState::UndefinedTable,
                  "missing FROM-clause entry for table \"" + relation + "\"",
                  target.expr->location + 1);
    if (!any && relation.empty() && scope.relations.empty())
      throw Error(SqlState::SyntaxError, "SELECT * with no tables specified is not valid",
                  target.expr->location + 1);
  }
}

/// Each ORDER BY item as the position of the select-list entry it names (an output position or
/// name), or else, with -1 there, as an expression bound in the FROM scope.
void Binder::bindOrderBy(const ast::SelectStmt& select, const Scope& scope,
                         AggregateContext& aggregates, const std::vector<BoundExprPtr>& targets,
                         const std::vector<std::string>& names, std::vector<int>& orderTargets,
                         std::vector<BoundExprPtr>& orderExprs) {
  for (const auto& item : select.orderBy) {
    const ast::Expr& expr = *item.expr;
    int targetIndex = -1;
    if (expr.kind == ast::ExprKind::IntConst) {
      if (expr.intValue < 1 || expr.intValue > static_cast<int64_t>(targets.size()))
        throw Error(SqlState::InvalidColumnReference,
                    "ORDER BY position " + std::to_string(expr.intValue) + " is not in select list",
                    expr.location + 1);
      targetIndex = static_cast<int>(expr.intValue - 1);
    } else if (expr.kind == ast::ExprKind::NumConst || expr.kind == ast::ExprKind::StringConst ||
               expr.kind == ast::ExprKind::BoolConst) {
      throw Error(SqlState::SyntaxError, "non-integer constant in ORDER BY", expr.location + 1);
    } else if (expr.kind == ast::ExprKind::ColumnRef && expr.names.size() == 1) {
      for (size_t i = 0; i < targets.size(); ++i) {
        if (names[i] != expr.names[0]) continue;
        if (targetIndex >= 0 && targets[targetIndex]->toString() != targets[i]->toString())
          throw Error(SqlState::AmbiguousColumn, "ORDER BY \"" + expr.names[0] + "\" is ambiguous",
                      expr.location + 1);
        if (targetIndex < 0) targetIndex = static_cast<int>(i);
      }
    }
    orderTargets.push_back(targetIndex);
    orderExprs.push_back(targetIndex >= 0 ? nullptr : bind(expr, scope, aggregates));
  }
}

Binder::BlockResult Binder::bindSelectCore(const ast::SelectStmt& select, const Scope* parent) {
  Scope scope;
  scope.parent = parent;
  scope.outerReferences = std::make_shared<std::vector<ColumnId>>();

  // FROM: items side by side are an inner join without a condition; the optimizer orders them.
  LogicalPtr plan;
  for (const auto& item : select.from) {
    LogicalPtr next = bindFromItem(item, scope, &scope);
    if (!plan) {
      plan = next;
      continue;
    }
    auto join = makeOperator(LogicalKind::Join);
    join->joinKind = JoinKind::Inner;
    join->children = {plan, next};
    join->columns = plan->columns;
    join->columns.insert(join->columns.end(), next->columns.begin(), next->columns.end());
    plan = join;
  }
  if (!plan) {
    auto values = makeOperator(LogicalKind::Values);
    values->rows.push_back({});
    plan = values;
  }
  std::vector<ColumnId> localColumns = plan->columnIds();
  for (const auto& column : scope.columns)
    localColumns.push_back(column.column.id);

  if (select.where) {
    AggregateContext none{nullptr, "WHERE"};
    auto filter = makeOperator(LogicalKind::Filter, plan);
    appendConjuncts(bindCondition(*select.where, scope, none, "WHERE"), filter->predicates);
    filter->columns = plan->columns;
    plan = filter;
  }

  std::vector<ir::AggregateSpec> aggregateSpecs;
  WindowContext windows;
  windows.named = &select.windows;
  checkWindowClause(select);
  AggregateContext aggregates{&aggregateSpecs, nullptr, &windows};
  std::vector<BoundExprPtr> targets;
  std::vector<std::string> names;
  bindTargets(select, scope, aggregates, targets, names);
  GroupBy groupBy = bindGroupBy(select, scope, targets, names);
  BoundExprPtr having;
  if (select.having) {
    AggregateContext noWindows{&aggregateSpecs, nullptr, nullptr, "HAVING"};
    having = bindCondition(*select.having, scope, noWindows, "HAVING");
  }

  // ORDER BY: output positions, output names, or expressions (added as hidden columns).
  std::vector<int> orderTargets;
  std::vector<BoundExprPtr> orderExprs;
  bindOrderBy(select, scope, aggregates, targets, names, orderTargets, orderExprs);

  std::shared_ptr<LogicalOperator> aggregate;
  // Window calls are bound before grouping; their GROUPING() calls resolve with the others.
  std::vector<BoundExprPtr*> windowInputs;
  for (auto& call : windows.calls) {
    for (auto& arg : call.args)
      windowInputs.push_back(&arg);
    for (auto& key : call.partitionKeys)
      windowInputs.push_back(&key);
    for (auto& key : call.orderKeys)
      windowInputs.push_back(&key.expr);
  }
  plan = bindAggregation(plan, groupBy, aggregateSpecs, targets, having, orderExprs, localColumns,
                         &aggregate, windowInputs);

  // Window functions: after grouping, before DISTINCT, ORDER BY and LIMIT.
  std::vector<BoundExprPtr*> windowUsers;
  for (auto& target : targets)
    windowUsers.push_back(&target);
  for (auto& expr : orderExprs)
    windowUsers.push_back(&expr);
  plan = applyWindows(plan, windows, aggregate.get(), localColumns, windowUsers);

  // The projection: visible columns, then ORDER BY expressions not among them.
  size_t visible = targets.size();
  std::vector<BoundExprPtr> projections = targets;
  std::vector<std::string> projectionNames = names;
  std::vector<int> sortColumns;
  for (size_t i = 0; i < select.orderBy.size(); ++i) {
    int index = orderTargets[i];
    if (index < 0) {
      std::string text = orderExprs[i]->toString();
      for (size_t t = 0; t < projections.size() && index < 0; ++t)
        if (projections[t]->toString() == text) index = static_cast<int>(t);
      if (index < 0) {
        if (select.distinct)
          throw Error(SqlState::InvalidColumnReference,
                      "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                      select.orderBy[i].expr->location + 1);
        index = static_cast<int>(projections.size());
        projections.push_back(orderExprs[i]);
        projectionNames.push_back("?sort?");
      }
    }
    sortColumns.push_back(index);
  }
  plan = makeProject(plan, projections, projectionNames, *this);
  // Sorting and DISTINCT compare values: untyped literals are text by then.
  if (select.distinct || !sortColumns.empty())
    plan = resolveUnknownColumns({plan, projectionNames, {}}).plan;
  if (select.distinct) {
    auto distinct = makeOperator(LogicalKind::Aggregate, plan);
    for (const auto& column : plan->columns) {
      distinct->groupKeys.push_back(columnRef(column));
      distinct->columns.push_back({newColumnId(), column.type, column.name, column.notNull});
    }
    plan = distinct;
  }
  if (!sortColumns.empty()) {
    auto sort = makeOperator(LogicalKind::Sort, plan);
    sort->columns = plan->columns;
    for (size_t i = 0; i < sortColumns.size(); ++i) {
      ir::SortKey key;
      key.expr = columnRef(plan->columns[sortColumns[i]]);
      key.descending = select.orderBy[i].descending;
      key.nullsFirst = select.orderBy[i].nullsFirst.value_or(key.descending);
      sort->sortKeys.push_back(key);
    }
    plan = sort;
  }
  plan = applyLimit(select, plan);
  if (plan->columns.size() > visible) {
    std::vector<BoundExprPtr> shown;
    for (size_t i = 0; i < visible; ++i)
      shown.push_back(columnRef(plan->columns[i]));
    plan = makeProject(plan, shown, names, *this);
  }
  return {plan, names, *scope.outerReferences};
}

LogicalPtr Binder::applyLimit(const ast::SelectStmt& select, LogicalPtr plan) {
  std::optional<int64_t> limit;
  int64_t offset = 0;
  if (select.limit) {
    BoundExprPtr bound = bindConstantExpr(*select.limit);
    if (!(bound->kind == BoundKind::Constant && bound->isNull)) {
      limit = constantInteger(bound, "LIMIT");
      if (*limit < 0)
        throw Error(SqlState::InvalidRowCountInLimitClause, "LIMIT must not be negative");
    }
  }
  if (select.offset) {
    BoundExprPtr bound = bindConstantExpr(*select.offset);
    if (!(bound->kind == BoundKind::Constant && bound->isNull)) {
      offset = constantInteger(bound, "OFFSET");
      if (offset < 0)
        throw Error(SqlState::InvalidRowCountInResultOffsetClause, "OFFSET must not be negative");
    }
  }
  if (!limit && offset == 0) return plan;
  auto op = makeOperator(LogicalKind::Limit, plan);
  op->columns = plan->columns;
  op->limit = limit;
  op->offset = offset;
  return op;
}

Binder::BlockResult Binder::orderAndLimit(const ast::SelectStmt& select, BlockResult block) {
  if (!select.orderBy.empty()) {
    auto sort = makeOperator(LogicalKind::Sort, block.plan);
    sort->columns = block.plan->columns;
    for (const auto& item : select.orderBy) {
      const ast::Expr& expr = *item.expr;
      int index = -1;
      if (expr.kind == ast::ExprKind::IntConst) {
        if (expr.intValue < 1 || expr.intValue > static_cast<int64_t>(block.names.size()))
          throw Error(SqlState::InvalidColumnReference,
                      "ORDER BY position " + std::to_string(expr.intValue) +
                          " is not in select list",
                      expr.location + 1);
        index = static_cast<int>(expr.intValue - 1);
      } else if (expr.kind == ast::ExprKind::ColumnRef && expr.names.size() == 1) {
        for (size_t i = 0; i < block.names.size() && index < 0; ++i)
          if (block.names[i] == expr.names[0]) index = static_cast<int>(i);
      }
      if (index < 0)
        throw Error(SqlState::FeatureNotSupported,
                    "ORDER BY on a UNION/INTERSECT/EXCEPT or VALUES result must name an output "
                    "column",
                    expr.location + 1);
      ir::SortKey key;
      key.expr = columnRef(block.plan->columns[index]);
      key.descending = item.descending;
      key.nullsFirst = item.nullsFirst.value_or(key.descending);
      sort->sortKeys.push_back(key);
    }
    block.plan = sort;
  }
  block.plan = applyLimit(select, block.plan);
  return block;
}

} // namespace flern::planner

// The binder's WITH entries. An entry that may be computed once (it refers to no enclosing
// query) is read through CteScan nodes; when the whole statement is bound, an entry read once
// (and not AS MATERIALIZED) is inlined in place of its reader, which keeps predicate pushdown
// into it, and an entry read more often, AS MATERIALIZED, or recursive becomes a
// CteMaterialize at the root that fills its buffer before the rest of the statement runs.
// Correlated entries and NOT MATERIALIZED ones are copied per reference.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/logical/subquery_info.h"

#include <algorithm>

namespace flern::planner {

namespace {

bool mentions(const ast::SelectStmt& select, const std::string& relation) {
  return mentionsRelation(select, relation);
}

bool mentions(const ast::Expr& expr, const std::string& relation) {
  if (expr.subquery && mentions(*expr.subquery, relation)) return true;
  if (expr.filter && mentions(*expr.filter, relation)) return true;
  for (const auto& arg : expr.args)
    if (arg && mentions(*arg, relation)) return true;
  return false;
}

bool mentions(const ast::FromItem& item, const std::string& relation) {
  switch (item.kind) {
  case ast::FromItem::Kind::Table:
    return item.name == relation;
  case ast::FromItem::Kind::Join:
    return mentions(*item.left, relation) || mentions(*item.right, relation) ||
           (item.joinCondition && mentions(*item.joinCondition, relation));
  case ast::FromItem::Kind::Function:
    for (const auto& arg : item.args)
      if (mentions(*arg, relation)) return true;
    return false;
  case ast::FromItem::Kind::Subquery:
    return mentions(*item.subquery, relation);
  }
  return false;
}

} // namespace

bool mentionsRelation(const ast::SelectStmt& select, const std::string& relation) {
  for (const auto& cte : select.with) {
    if (mentions(*cte.query, relation)) return true;
    if (cte.name == relation) return false; // hidden from here on
  }
  if (select.left && mentions(*select.left, relation)) return true;
  if (select.right && mentions(*select.right, relation)) return true;
  for (const auto& item : select.from)
    if (mentions(item, relation)) return true;
  for (const auto& target : select.targets)
    if (mentions(*target.expr, relation)) return true;
  for (const auto* expr :
       {select.where.get(), select.having.get(), select.limit.get(), select.offset.get()})
    if (expr && mentions(*expr, relation)) return true;
  for (const auto& group : select.groupBy)
    if (mentions(*group, relation)) return true;
  for (const auto& order : select.orderBy)
    if (mentions(*order.expr, relation)) return true;
  for (const auto& row : select.values)
    for (const auto& value : row)
      if (mentions(*value, relation)) return true;
  return false;
}

namespace {

/// Whether a plan reads a working table (such an entry depends on the iteration it runs in).
bool readsWorkingTable(const LogicalOperator& op);

bool readsWorkingTable(const ir::BoundExprPtr& expr) {
  if (!expr) return false;
  if (expr->kind == ir::BoundKind::Subquery && readsWorkingTable(*expr->subquery->plan))
    return true;
  for (const auto& arg : expr->args)
    if (readsWorkingTable(arg)) return true;
  return false;
}

bool readsWorkingTable(const LogicalOperator& op) {
  if (op.kind == LogicalKind::CteScan && op.workingTable) return true;
  for (const auto& child : op.children)
    if (readsWorkingTable(*child)) return true;
  bool found = false;
  mapExpressions(
      std::make_shared<LogicalOperator>(op),
      [&](const ir::BoundExprPtr& expr) {
        found = found || readsWorkingTable(expr);
        return expr;
      },
      /*recurse=*/false);
  return found;
}

} // namespace

namespace {

/// The entries of a WITH list in the order to bind them: as written, or for WITH RECURSIVE,
/// each after the entries it reads (PostgreSQL allows forward references there).
std::vector<const ast::CommonTableExpr*> bindingOrder(const ast::SelectStmt& select) {
  std::vector<const ast::CommonTableExpr*> order, pending;
  for (const auto& cte : select.with) {
    for (const auto* earlier = select.with.data(); earlier != &cte; ++earlier)
      if (earlier->name == cte.name)
        throw Error(SqlState::DuplicateAlias,
                    "WITH query name \"" + cte.name + "\" specified more than once",
                    cte.location + 1);
    (select.withRecursive ? pending : order).push_back(&cte);
  }
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const auto* cte) {
      for (const auto* other : pending)
        if (other != cte && mentionsRelation(*cte->query, other->name)) return false;
      return true;
    });
    if (ready == pending.end())
      throw Error(SqlState::FeatureNotSupported,
                  "mutual recursion between WITH items is not implemented",
                  pending.front()->location + 1);
    order.push_back(*ready);
    pending.erase(ready);
  }
  return order;
}

} // namespace

void Binder::bindWith(const ast::SelectStmt& select, const Scope* parent) {
  for (const auto* entry : bindingOrder(select)) {
    const ast::CommonTableExpr& cte = *entry;
    bool recursive = select.withRecursive && mentionsRelation(*cte.query, cte.name);
    BlockResult result = recursive ? bindRecursiveCte(cte, parent) : bindBlock(*cte.query, parent);
    if (cte.columnAliases.size() > result.names.size())
      throw Error(SqlState::InvalidColumnReference,
                  "WITH query \"" + cte.name + "\" has " + std::to_string(result.names.size()) +
                      " columns available but " + std::to_string(cte.columnAliases.size()) +
                      " columns specified",
                  cte.location + 1);
    for (size_t i = 0; i < cte.columnAliases.size(); ++i)
      result.names[i] = cte.columnAliases[i];
    CteBinding binding{cte.name, resolveUnknownColumns(result)};
    bool copied = !result.outerReferences.empty() ||
                  cte.materialize == ast::CommonTableExpr::Materialize::Never ||
                  readsWorkingTable(*result.plan);
    if (recursive && !result.outerReferences.empty())
      throw Error(SqlState::FeatureNotSupported,
                  "a recursive WITH query that refers to an enclosing query is not supported",
                  cte.location + 1);
    if (!copied || recursive) {
      binding.cteIndex = nextCteIndex_++;
      CteProducer producer{binding.cteIndex, cte.name, binding.result.plan};
      producer.materialized =
          recursive || cte.materialize == ast::CommonTableExpr::Materialize::Always;
      cteProducers_.push_back(producer);
    }
    ctes_.push_back(std::move(binding));
  }
}

LogicalPtr Binder::bindCteRef(const ast::FromItem& item, CteBinding& cte, Scope& scope) {
  std::vector<std::string> names = cte.result.names;
  if (item.columnAliases.size() > names.size())
    throw Error(SqlState::InvalidColumnReference,
                "table \"" + (item.alias.empty() ? item.name : item.alias) + "\" has " +
                    std::to_string(names.size()) + " columns available but " +
                    std::to_string(item.columnAliases.size()) + " columns specified",
                item.location + 1);
  for (size_t i = 0; i < item.columnAliases.size(); ++i)
    names[i] = item.columnAliases[i];
  mergeReferences(*scope.outerReferences, cte.result.outerReferences);
  LogicalPtr plan;
  if (cte.workingTable) {
    auto invalid = [&](const std::string& where) {
      return Error(SqlState::InvalidRecursion,
                   "recursive reference to query \"" + cte.name + "\" must not appear " + where,
                   item.location + 1);
    };
    if (cte.references > 0) throw invalid("more than once");
    if (subqueryDepth_ > cte.subqueryDepth) throw invalid("within a subquery");
    if (nullableDepth_ > cte.nullableDepth) throw invalid("within an outer join");
  }
  ++cte.references;
  if (cte.cteIndex < 0) {
    // Each reference gets its own column ids: the same result may be joined with itself.
    plan = cloneWithFreshIds(cte.result.plan, [this] { return newColumnId(); });
  } else {
    auto scan = std::make_shared<LogicalOperator>();
    scan->kind = LogicalKind::CteScan;
    scan->alias = cte.name;
    scan->cteIndex = cte.cteIndex;
    scan->workingTable = cte.workingTable;
    const auto& columns = cte.result.plan->columns;
    for (size_t i = 0; i < columns.size(); ++i) {
      scan->columns.push_back({newColumnId(), columns[i].type, names[i], false});
      scan->tableColumns.push_back(static_cast<int>(i));
    }
    for (auto& producer : cteProducers_)
      if (producer.cteIndex == cte.cteIndex) ++producer.references;
    plan = scan;
  }
  addToScope(item.alias.empty() ? item.name : item.alias, *plan, names, scope, item.location);
  return plan;
}

LogicalPtr Binder::inlineCtes(const LogicalPtr& op, const std::map<int, LogicalPtr>& inlined) {
  if (op->kind == LogicalKind::CteScan && !op->workingTable && inlined.count(op->cteIndex)) {
    // The entry's plan with fresh ids, renamed to the reader's columns by a projection.
    LogicalPtr body = cloneWithFreshIds(inlineCtes(inlined.at(op->cteIndex), inlined),
                                        [this] { return newColumnId(); });
    auto project = std::make_shared<LogicalOperator>();
    project->kind = LogicalKind::Project;
    project->children = {body};
    project->columns = op->columns;
    for (size_t i = 0; i < op->columns.size(); ++i)
      project->expressions.push_back(columnRef(body->columns[op->tableColumns[i]]));
    return project;
  }
  auto copy = std::make_shared<LogicalOperator>(*op);
  for (auto& child : copy->children)
    child = inlineCtes(child, inlined);
  std::function<ir::BoundExprPtr(const ir::BoundExprPtr&)> inExpr =
      [&](const ir::BoundExprPtr& expr) -> ir::BoundExprPtr {
    auto node = std::make_shared<ir::BoundExpr>(*expr);
    for (auto& arg : node->args)
      arg = inExpr(arg);
    if (node->kind == ir::BoundKind::Subquery) {
      auto info = std::make_shared<ir::SubqueryInfo>(*node->subquery);
      info->plan = inlineCtes(info->plan, inlined);
      node->subquery = info;
    }
    return node;
  };
  return mapExpressions(copy, inExpr, /*recurse=*/false);
}

LogicalPtr Binder::placeCtes(LogicalPtr plan) {
  if (cteProducers_.empty()) return plan;
  std::map<int, LogicalPtr> inlined;
  for (const auto& producer : cteProducers_)
    if (producer.references <= 1 && !producer.materialized)
      inlined[producer.cteIndex] = producer.plan;
  plan = inlineCtes(plan, inlined);
  for (auto it = cteProducers_.rbegin(); it != cteProducers_.rend(); ++it) {
    if (it->references == 0 || inlined.count(it->cteIndex)) continue;
    auto materialize = std::make_shared<LogicalOperator>();
    materialize->kind = LogicalKind::CteMaterialize;
    materialize->alias = it->name;
    materialize->cteIndex = it->cteIndex;
    materialize->children = {inlineCtes(it->plan, inlined), plan};
    materialize->columns = plan->columns;
    plan = materialize;
  }
  cteProducers_.clear();
  return plan;
}

} // namespace flern::planner

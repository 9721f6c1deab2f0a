// The binder's WITH RECURSIVE entries: `non-recursive term UNION [ALL] recursive term`, checked
// with PostgreSQL's rules (42P19 for malformed recursion), becomes a RecursiveUnion whose
// recursive term reads the working table through a CteScan.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/type_rules.h"

#include <functional>

namespace flern::planner {

using namespace typing;

namespace {

/// Whether the recursive term aggregates rows of the working table.
bool aggregatesWorkingTable(const LogicalOperator& op, int cteIndex) {
  std::function<bool(const LogicalOperator&)> reads = [&](const LogicalOperator& node) {
    if (node.kind == LogicalKind::CteScan && node.workingTable && node.cteIndex == cteIndex)
      return true;
    for (const auto& child : node.children)
      if (reads(*child)) return true;
    return false;
  };
  if (op.kind == LogicalKind::Aggregate && !op.aggregates.empty() && reads(op)) return true;
  for (const auto& child : op.children)
    if (aggregatesWorkingTable(*child, cteIndex)) return true;
  return false;
}

} // namespace

Binder::BlockResult Binder::bindRecursiveCte(const ast::CommonTableExpr& cte, const Scope* parent) {
  const ast::SelectStmt& query = *cte.query;
  auto invalid = [&](const std::string& message) {
    return Error(SqlState::InvalidRecursion, message, cte.location + 1);
  };
  if (query.setOperation != ast::SetOperation::Union)
    throw invalid("recursive query \"" + cte.name +
                  "\" does not have the form non-recursive-term UNION [ALL] recursive-term");
  auto notImplemented = [&](const char* what, const ast::Expr* expr) {
    return Error(SqlState::FeatureNotSupported,
                 std::string(what) + " in a recursive query is not implemented",
                 expr && expr->location >= 0 ? expr->location + 1 : cte.location + 1);
  };
  if (!query.orderBy.empty()) throw notImplemented("ORDER BY", query.orderBy[0].expr.get());
  if (query.offset) throw notImplemented("OFFSET", query.offset.get());
  if (query.limit) throw notImplemented("LIMIT", query.limit.get());
  if (!query.with.empty())
    throw Error(SqlState::FeatureNotSupported,
                "WITH on the UNION of a recursive query is not supported", cte.location + 1);

  if (mentionsRelation(*query.left, cte.name))
    throw invalid("recursive reference to query \"" + cte.name +
                  "\" must not appear within its non-recursive term");
  // The non-recursive term decides the columns' types.
  BlockResult start = resolveUnknownColumns(bindBlock(*query.left, parent));
  std::vector<std::string> names = start.names;
  for (size_t i = 0; i < cte.columnAliases.size() && i < names.size(); ++i)
    names[i] = cte.columnAliases[i];

  CteBinding working;
  working.name = cte.name;
  working.result = {start.plan, names, {}};
  working.cteIndex = nextCteIndex_++;
  working.workingTable = true;
  working.subqueryDepth = subqueryDepth_;
  working.nullableDepth = nullableDepth_;
  ctes_.push_back(working);
  size_t position = ctes_.size() - 1;
  BlockResult step = bindBlock(*query.right, parent);
  int references = ctes_[position].references;
  ctes_.resize(position);
  if (references == 0)
    throw invalid("recursive query \"" + cte.name +
                  "\" does not have the form non-recursive-term UNION [ALL] recursive-term");
  if (aggregatesWorkingTable(*step.plan, working.cteIndex))
    throw invalid("aggregate functions are not allowed in a recursive query's recursive term");

  if (start.plan->columns.size() != step.plan->columns.size())
    throw Error(SqlState::SyntaxError, "each UNION query must have the same number of columns",
                cte.location + 1);
  std::vector<SqlType> types;
  for (size_t i = 0; i < start.plan->columns.size(); ++i) {
    const SqlType& first = start.plan->columns[i].type;
    const SqlType& next = step.plan->columns[i].type;
    auto merged = unifyResultType(first, next);
    if (!merged)
      throw Error(SqlState::DatatypeMismatch,
                  "UNION types " + first.name() + " and " + next.name() + " cannot be matched",
                  cte.location + 1);
    if (!(*merged == first))
      throw Error(SqlState::DatatypeMismatch,
                  "recursive query \"" + cte.name + "\" column " + std::to_string(i + 1) +
                      " has type " + first.name() + " in non-recursive term but type " +
                      merged->name() + " overall",
                  cte.location + 1)
          .withHint("Cast the output of the non-recursive term to the correct type.");
    types.push_back(first);
  }
  step = castColumns(std::move(step), types);

  auto recursion = std::make_shared<LogicalOperator>();
  recursion->kind = LogicalKind::RecursiveUnion;
  recursion->alias = cte.name;
  recursion->cteIndex = working.cteIndex;
  recursion->setAll = query.setAll;
  recursion->children = {start.plan, step.plan};
  for (size_t i = 0; i < types.size(); ++i)
    recursion->columns.push_back({newColumnId(), types[i], names[i], false});
  BlockResult result{recursion, start.names, start.outerReferences};
  mergeReferences(result.outerReferences, step.outerReferences);
  return result;
}

} // namespace flern::planner

// The binder's FROM clause: tables, derived tables, generate_series, common table expressions
// and joins become logical operators; their columns become names in a Scope.
#include "common/error.h"
#include "planner/binder.h"
#include "planner/type_rules.h"

#include <algorithm>
#include <set>

namespace flern::planner {

using ir::BoundExpr;
using ir::BoundExprPtr;
using ir::BoundKind;
using namespace typing;

void Binder::addToScope(const std::string& alias, const LogicalOperator& plan,
                        const std::vector<std::string>& names, Scope& scope, int location) {
  if (!alias.empty())
    for (const auto& existing : scope.relations)
      if (existing == alias)
        throw Error(SqlState::DuplicateAlias,
                    "table name \"" + alias + "\" specified more than once", location + 1);
  scope.relations.push_back(alias);
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    ScopeColumn column;
    column.relation = alias;
    column.name = names[i];
    column.column = plan.columns[i];
    column.column.name = alias.empty() ? names[i] : alias + "." + names[i];
    scope.columns.push_back(column);
  }
}

LogicalPtr Binder::bindTableRef(const ast::FromItem& item, Scope& scope) {
  // A WITH entry of that name hides a table of that name.
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it)
    if (it->name == item.name) return bindCteRef(item, *it, scope);
  if (auto view = catalog_.tables.findView(item.name)) return bindViewRef(item, *view, scope);
  if (expandingViews_.empty()) referencedRelations_.push_back(item.name);
  auto table = catalog_.tables.find(item.name);
  if (!table && item.name == kModelsRelation) table = modelsTable();
  if (!table)
    throw Error(SqlState::UndefinedTable, "relation \"" + item.name + "\" does not exist",
                item.location + 1);
  auto get = std::make_shared<LogicalOperator>();
  get->kind = LogicalKind::Get;
  get->table = table;
  get->alias = item.alias.empty() ? item.name : item.alias;
  std::vector<std::string> names;
  const auto& columns = table->columns();
  if (item.columnAliases.size() > columns.size())
    throw Error(SqlState::InvalidColumnReference,
                "table \"" + get->alias + "\" has " + std::to_string(columns.size()) +
                    " columns available but " + std::to_string(item.columnAliases.size()) +
                    " columns specified",
                item.location + 1);
  for (size_t i = 0; i < columns.size(); ++i) {
    get->columns.push_back({newColumnId(), columns[i].type, columns[i].name, columns[i].notNull});
    get->tableColumns.push_back(static_cast<int>(i));
    names.push_back(i < item.columnAliases.size() ? item.columnAliases[i] : columns[i].name);
  }
  addToScope(get->alias, *get, names, scope, item.location);
  return get;
}

LogicalPtr Binder::bindFromItem(const ast::FromItem& item, Scope& scope, const Scope* lateral) {
  using Kind = ast::FromItem::Kind;
  switch (item.kind) {
  case Kind::Join:
    return bindJoin(item, scope, lateral);
  case Kind::Table:
    return bindTableRef(item, scope);
  case Kind::Function: {
    if (item.name != "generate_series")
      throw Error(SqlState::UndefinedFunction, "function " + item.name + " does not exist",
                  item.location + 1);
    if (item.args.size() != 2)
      throw Error(SqlState::UndefinedFunction,
                  "function generate_series with " + std::to_string(item.args.size()) +
                      " arguments does not exist",
                  item.location + 1)
          .withHint("Flern supports generate_series(start, stop) over integers.");
    // A function in FROM sees the items to its left (always LATERAL, as in PostgreSQL) and the
    // enclosing query's names.
    Scope arguments{
        {}, {}, lateral ? lateral : scope.parent, std::make_shared<std::vector<ColumnId>>()};
    AggregateContext none{nullptr, "functions in FROM"};
    BoundExprPtr start = bind(*item.args[0], arguments, none);
    BoundExprPtr stop = bind(*item.args[1], arguments, none);
    mergeReferences(*scope.outerReferences, nonLocal(*arguments.outerReferences, lateral));
    auto type = commonType(start->type, stop->type);
    if (!type || (type->id != TypeId::Int32 && type->id != TypeId::Int64))
      throw Error(SqlState::UndefinedFunction,
                  "function generate_series(" + start->type.name() + ", " + stop->type.name() +
                      ") does not exist",
                  item.location + 1);
    auto series = std::make_shared<LogicalOperator>();
    series->kind = LogicalKind::Series;
    series->seriesStart = implicitCast(start, *type);
    series->seriesStop = implicitCast(stop, *type);
    std::string alias = item.alias.empty() ? "generate_series" : item.alias;
    std::string name = item.columnAliases.empty() ? alias : item.columnAliases[0];
    series->columns.push_back({newColumnId(), *type, name, true});
    addToScope(alias, *series, {name}, scope, item.location);
    return series;
  }
  case Kind::Subquery:
    return bindDerivedTable(item, scope, lateral);
  }
  internalError("unknown FROM item kind");
}

LogicalPtr Binder::bindDerivedTable(const ast::FromItem& item, Scope& scope, const Scope* lateral) {
  // A derived table sees the enclosing query's names; a LATERAL one also the items to its left
  // (a scope whose parent is the enclosing query's), whose columns are then local references.
  if (!item.lateral) lateral = nullptr;
  BlockResult block = bindBlock(*item.subquery, lateral ? lateral : scope.parent);
  if (item.columnAliases.size() > block.names.size())
    throw Error(SqlState::InvalidColumnReference,
                "table \"" + item.alias + "\" has " + std::to_string(block.names.size()) +
                    " columns available but " + std::to_string(item.columnAliases.size()) +
                    " columns specified",
                item.location + 1);
  for (size_t i = 0; i < item.columnAliases.size(); ++i)
    block.names[i] = item.columnAliases[i];
  mergeReferences(*scope.outerReferences, nonLocal(block.outerReferences, lateral));
  block = resolveUnknownColumns(block);
  addToScope(item.alias, *block.plan, block.names, scope, item.location);
  return block.plan;
}

std::vector<ColumnId> Binder::nonLocal(const std::vector<ColumnId>& references,
                                       const Scope* lateral) {
  std::vector<ColumnId> outer;
  for (ColumnId id : references) {
    bool local = false;
    if (lateral)
      for (const auto& column : lateral->columns)
        local = local || column.column.id == id;
    if (!local) outer.push_back(id);
  }
  return outer;
}

namespace {

JoinKind joinKindOf(const std::string& type) {
  if (type == "left") return JoinKind::Left;
  if (type == "right") return JoinKind::Right;
  if (type == "full") return JoinKind::Full;
  return JoinKind::Inner;
}

} // namespace

LogicalPtr Binder::bindJoin(const ast::FromItem& item, Scope& scope, const Scope* lateral) {
  Scope leftScope{{}, {}, scope.parent, scope.outerReferences};
  Scope rightScope{{}, {}, scope.parent, scope.outerReferences};
  // The sides an outer join pads with nulls (WITH RECURSIVE's reference may not be there).
  bool leftNullable = item.joinType == "right" || item.joinType == "full";
  bool rightNullable = item.joinType == "left" || item.joinType == "full";
  nullableDepth_ += leftNullable;
  LogicalPtr left = bindFromItem(*item.left, leftScope, lateral);
  nullableDepth_ -= leftNullable;
  // LATERAL on the right sees the join's left side and what the enclosing FROM list has so far.
  Scope rightLateral{leftScope.columns, {}, scope.parent, scope.outerReferences};
  if (lateral)
    rightLateral.columns.insert(rightLateral.columns.end(), lateral->columns.begin(),
                                lateral->columns.end());
  nullableDepth_ += rightNullable;
  LogicalPtr right = bindFromItem(*item.right, rightScope, &rightLateral);
  nullableDepth_ -= rightNullable;
  auto join = std::make_shared<LogicalOperator>();
  join->kind = LogicalKind::Join;
  join->joinKind = joinKindOf(item.joinType);
  join->children = {left, right};
  join->columns = left->columns;
  join->columns.insert(join->columns.end(), right->columns.begin(), right->columns.end());
  // Outer joins make the other side's columns nullable.
  for (size_t i = 0; i < join->columns.size(); ++i) {
    bool fromLeft = i < left->columns.size();
    if ((fromLeft && (join->joinKind == JoinKind::Right || join->joinKind == JoinKind::Full)) ||
        (!fromLeft && (join->joinKind == JoinKind::Left || join->joinKind == JoinKind::Full)))
      join->columns[i].notNull = false;
  }

  // USING / NATURAL: the named columns are compared, and shown once.
  std::vector<std::string> usingColumns = item.usingColumns;
  if (item.natural) {
    for (const auto& l : leftScope.columns) {
      if (l.qualifiedOnly) continue;
      for (const auto& r : rightScope.columns)
        if (!r.qualifiedOnly && r.name == l.name &&
            std::find(usingColumns.begin(), usingColumns.end(), l.name) == usingColumns.end())
          usingColumns.push_back(l.name);
    }
  }
  for (const auto& relation : rightScope.relations)
    for (const auto& existing : leftScope.relations)
      if (!relation.empty() && existing == relation)
        throw Error(SqlState::DuplicateAlias,
                    "table name \"" + relation + "\" specified more than once",
                    item.right->location + 1);
  Scope joined{{}, leftScope.relations, scope.parent, scope.outerReferences};
  joined.relations.insert(joined.relations.end(), rightScope.relations.begin(),
                          rightScope.relations.end());
  std::vector<ScopeColumn> merged;
  std::set<std::string> seen;
  auto findUnique = [&](Scope& side, const std::string& name, const char* which) -> ScopeColumn* {
    ScopeColumn* found = nullptr;
    for (auto& column : side.columns) {
      if (column.qualifiedOnly || column.name != name) continue;
      if (found)
        throw Error(SqlState::AmbiguousColumn,
                    "common column name \"" + name + "\" appears more than once in " + which +
                        " table",
                    item.location + 1);
      found = &column;
    }
    if (!found)
      throw Error(SqlState::UndefinedColumn,
                  "column \"" + name + "\" specified in USING clause does not exist in " + which +
                      " table",
                  item.location + 1);
    return found;
  };
  std::vector<BoundExprPtr> usingEqualities;
  std::vector<std::pair<ScopeColumn*, ScopeColumn*>> usingPairs;
  for (const auto& name : usingColumns) {
    if (!seen.insert(name).second)
      throw Error(SqlState::DuplicateColumn,
                  "column name \"" + name + "\" appears more than once in USING clause",
                  item.location + 1);
    ScopeColumn* l = findUnique(leftScope, name, "left");
    ScopeColumn* r = findUnique(rightScope, name, "right");
    auto type = commonType(l->column.type, r->column.type);
    if (!type)
      throw Error(SqlState::UndefinedFunction,
                  "operator does not exist: " + l->column.type.name() + " = " +
                      r->column.type.name(),
                  item.location + 1);
    auto equal = makeNode(BoundKind::Compare, SqlType::boolean());
    equal->name = "=";
    equal->args = {implicitCast(columnRef(l->column), *type),
                   implicitCast(columnRef(r->column), *type)};
    usingEqualities.push_back(equal);
    usingPairs.emplace_back(l, r);
  }
  LogicalPtr result = join;
  if (!usingPairs.empty() && join->joinKind == JoinKind::Full) {
    // FULL JOIN USING shows COALESCE(left, right) for each named column.
    auto project = std::make_shared<LogicalOperator>();
    project->kind = LogicalKind::Project;
    project->children = {join};
    for (const auto& column : join->columns) {
      project->expressions.push_back(columnRef(column));
      project->columns.push_back(column);
    }
    for (auto& [l, r] : usingPairs) {
      auto type = *commonType(l->column.type, r->column.type);
      auto coalesce = makeNode(BoundKind::Function, type);
      coalesce->name = "coalesce";
      coalesce->args = {implicitCast(columnRef(l->column), type),
                        implicitCast(columnRef(r->column), type)};
      LogicalColumn column{newColumnId(), type, l->name, false};
      project->expressions.push_back(coalesce);
      project->columns.push_back(column);
      merged.push_back({"", l->name, column, false, true});
    }
    result = project;
  } else {
    for (auto& [l, r] : usingPairs) {
      ScopeColumn shown = join->joinKind == JoinKind::Right ? *r : *l;
      shown.relation = "";
      shown.column.notNull = false;
      merged.push_back(shown);
    }
  }
  for (auto& [l, r] : usingPairs) {
    l->qualifiedOnly = r->qualifiedOnly = true;
    l->inStar = r->inStar = false;
  }
  joined.columns = merged;
  joined.columns.insert(joined.columns.end(), leftScope.columns.begin(), leftScope.columns.end());
  joined.columns.insert(joined.columns.end(), rightScope.columns.begin(), rightScope.columns.end());

  join->predicates = usingEqualities;
  if (item.joinCondition) {
    AggregateContext none{nullptr, "JOIN conditions"};
    appendConjuncts(bindCondition(*item.joinCondition, joined, none, "JOIN/ON"), join->predicates);
  }

  // The joined names go into the enclosing scope (a join's alias is not supported).
  for (const auto& relation : joined.relations)
    for (const auto& existing : scope.relations)
      if (!relation.empty() && existing == relation)
        throw Error(SqlState::DuplicateAlias,
                    "table name \"" + relation + "\" specified more than once", item.location + 1);
  scope.relations.insert(scope.relations.end(), joined.relations.begin(), joined.relations.end());
  scope.columns.insert(scope.columns.end(), joined.columns.begin(), joined.columns.end());
  return result;
}

BoundExprPtr Binder::bindColumn(const ast::Expr& expr, const Scope& scope) {
  const std::string& name = expr.names.back();
  std::string relation = expr.names.size() >= 2 ? expr.names[expr.names.size() - 2] : "";
  bool relationSeen = false;
  int depth = 0;
  for (const Scope* level = &scope; level; level = level->parent, ++depth) {
    const ScopeColumn* found = nullptr;
    for (const auto& column : level->columns) {
      if (!relation.empty()) {
        if (column.relation != relation) continue;
        relationSeen = true;
      } else if (column.qualifiedOnly) {
        continue;
      }
      if (column.name != name) continue;
      if (found && found->column.id != column.column.id)
        throw Error(SqlState::AmbiguousColumn, "column reference \"" + name + "\" is ambiguous",
                    expr.location + 1);
      found = &column;
    }
    if (!found && !relation.empty() && relationSeen)
      throw Error(SqlState::UndefinedColumn, "column " + relation + "." + name + " does not exist",
                  expr.location + 1);
    if (!found) continue;
    // A name of an enclosing block: every block in between refers to it from outside.
    const Scope* inner = &scope;
    for (int d = 0; d < depth; ++d, inner = inner->parent) {
      auto& references = *inner->outerReferences;
      if (std::find(references.begin(), references.end(), found->column.id) == references.end())
        references.push_back(found->column.id);
    }
    auto node = makeNode(BoundKind::Column, found->column.type, expr.location);
    node->index = found->column.id;
    node->name = found->column.name;
    return node;
  }
  if (!relation.empty())
    throw Error(SqlState::UndefinedTable,
                "missing FROM-clause entry for table \"" + relation + "\"", expr.location + 1);
  throw Error(SqlState::UndefinedColumn, "column \"" + name + "\" does not exist",
              expr.location + 1);
}

} // namespace flern::planner

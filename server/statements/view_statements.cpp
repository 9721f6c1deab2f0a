// CREATE [OR REPLACE] VIEW and DROP TABLE / DROP VIEW with PostgreSQL's dependency rules: a view
// keeps the tables and views its query reads, and DROP takes them only with CASCADE, which drops
// the views too.
#include "common/error.h"
#include "planner/binder.h"
#include "server/database.h"

#include <algorithm>
#include <set>

namespace flern::server {

using namespace planner;

namespace {

/// PostgreSQL's checkViewColumns: OR REPLACE keeps every existing column's name and type in its
/// place and may only add columns at the end.
void checkReplacedColumns(const storage::ViewDef& old, const storage::ViewDef& replacement) {
  if (replacement.columnNames.size() < old.columnNames.size())
    throw Error(SqlState::InvalidTableDefinition, "cannot drop columns from view");
  for (size_t i = 0; i < old.columnNames.size(); ++i) {
    if (replacement.columnNames[i] != old.columnNames[i])
      throw Error(SqlState::InvalidTableDefinition, "cannot change name of view column \"" +
                                                        old.columnNames[i] + "\" to \"" +
                                                        replacement.columnNames[i] + "\"")
          .withHint("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.");
    if (!(replacement.columnTypes[i] == old.columnTypes[i]))
      throw Error(SqlState::InvalidTableDefinition,
                  "cannot change data type of view column \"" + old.columnNames[i] + "\" from " +
                      old.columnTypes[i].name() + " to " + replacement.columnTypes[i].name());
  }
}

} // namespace

StatementResult Database::createView(const ast::CreateViewStmt& create, const std::string& text) {
  auto existing = tables_.findView(create.name);
  if (tables_.find(create.name) || create.name == kModelsRelation) {
    if (create.orReplace && create.name != kModelsRelation)
      throw Error(SqlState::WrongObjectType, "\"" + create.name + "\" is not a view");
    throw Error(SqlState::DuplicateTable, "relation \"" + create.name + "\" already exists");
  }
  if (existing && !create.orReplace)
    throw Error(SqlState::DuplicateTable, "relation \"" + create.name + "\" already exists");
  Binder binder({tables_, models_});
  BoundQuery bound = binder.bindQuery(*create.query);
  auto view = std::make_shared<storage::ViewDef>();
  view->name = create.name;
  view->definition = text;
  view->columnNames = bound.columnNames;
  if (create.columnAliases.size() > view->columnNames.size())
    throw Error(SqlState::SyntaxError, "CREATE VIEW specifies more column names than columns");
  for (size_t i = 0; i < create.columnAliases.size(); ++i)
    view->columnNames[i] = create.columnAliases[i];
  std::set<std::string> seen;
  for (const auto& name : view->columnNames)
    if (!seen.insert(name).second)
      throw Error(SqlState::DuplicateColumn, "column \"" + name + "\" specified more than once");
  view->columnTypes = bound.types();
  for (const auto& name : binder.referencedRelations())
    if (std::find(view->dependsOn.begin(), view->dependsOn.end(), name) == view->dependsOn.end())
      view->dependsOn.push_back(name);
  if (existing) checkReplacedColumns(*existing, *view);
  tables_.putView(view);
  StatementResult result;
  result.commandTag = "CREATE VIEW";
  return result;
}

StatementResult Database::dropRelations(const ast::DropStmt& drop, bool views) {
  StatementResult result;
  result.commandTag = views ? "DROP VIEW" : "DROP TABLE";
  const char* kind = views ? "view" : "table";
  // PostgreSQL checks every name before dropping any.
  std::vector<std::string> named;
  for (const auto& name : drop.names) {
    bool isTable = tables_.find(name) != nullptr;
    bool isView = tables_.findView(name) != nullptr;
    if (!isTable && !isView) {
      if (!drop.ifExists)
        throw Error(SqlState::UndefinedTable,
                    std::string(kind) + " \"" + name + "\" does not exist");
      result.notices.push_back(std::string(kind) + " \"" + name + "\" does not exist, skipping");
      continue;
    }
    if (views ? !isView : !isTable)
      throw Error(SqlState::WrongObjectType, "\"" + name + "\" is not a " + kind)
          .withHint(views ? "Use DROP TABLE to remove a table."
                          : "Use DROP VIEW to remove a view.");
    named.push_back(name);
  }
  // Everything that goes with them: the views reading them, and the views reading those.
  std::vector<std::string> dropped = named;
  std::vector<std::string> dependencyLines;
  std::vector<std::string> cascaded;
  for (size_t i = 0; i < dropped.size(); ++i) {
    std::string what = tables_.findView(dropped[i]) ? "view " : "table ";
    for (const auto& dependent : tables_.dependentViews(dropped[i])) {
      dependencyLines.push_back("view " + dependent + " depends on " + what + dropped[i]);
      if (std::find(dropped.begin(), dropped.end(), dependent) != dropped.end()) continue;
      dropped.push_back(dependent);
      cascaded.push_back(dependent);
    }
  }
  if (!cascaded.empty() && !drop.cascade) {
    std::string detail;
    for (const auto& line : dependencyLines)
      detail += (detail.empty() ? "" : "\n") + line;
    throw Error(SqlState::DependentObjectsStillExist, std::string("cannot drop ") + kind + " " +
                                                          named[0] +
                                                          " because other objects depend on it")
        .withDetail(detail)
        .withHint("Use DROP ... CASCADE to drop the dependent objects too.");
  }
  if (cascaded.size() == 1)
    result.notices.push_back("drop cascades to view " + cascaded[0]);
  else if (cascaded.size() > 1)
    result.notices.push_back("drop cascades to " + std::to_string(cascaded.size()) +
                             " other objects");
  for (const auto& name : dropped)
    if (!tables_.removeView(name)) tables_.remove(name);
  return result;
}

} // namespace flern::server

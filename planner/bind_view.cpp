// The binder's views: a view named in FROM is bound again from its stored CREATE VIEW statement,
// as a derived table with the view's column names, so the optimizer sees through it.
#include "common/error.h"
#include "common/stack_depth.h"
#include "parser/parser.h"
#include "planner/binder.h"

namespace flern::planner {

LogicalPtr Binder::bindViewRef(const ast::FromItem& item, const storage::ViewDef& view,
                               Scope& scope) {
  checkStackDepth();
  if (expandingViews_.empty()) referencedRelations_.push_back(view.name);
  for (const auto& expanding : expandingViews_)
    if (expanding == view.name)
      throw Error(SqlState::InvalidObjectDefinition,
                  "infinite recursion detected in rules for relation \"" + view.name + "\"",
                  item.location + 1);
  std::vector<ast::Statement> statements = parser::parse(view.definition);
  if (statements.size() != 1 || statements[0].kind != ast::StmtKind::CreateView)
    internalError("view \"" + view.name + "\" has no CREATE VIEW definition");
  const ast::CreateViewStmt& create = *statements[0].createView;

  // The view's query sees neither the enclosing query's names nor its WITH entries.
  std::vector<CteBinding> outerCtes;
  std::swap(outerCtes, ctes_);
  expandingViews_.push_back(view.name);
  BlockResult block;
  try {
    block = bindBlock(*create.query, nullptr);
  } catch (...) {
    expandingViews_.pop_back();
    std::swap(outerCtes, ctes_);
    throw;
  }
  expandingViews_.pop_back();
  std::swap(outerCtes, ctes_);
  block = resolveUnknownColumns(block);
  if (block.names.size() != view.columnNames.size())
    internalError("view \"" + view.name + "\" no longer matches its columns");

  std::vector<std::string> names = view.columnNames;
  if (item.columnAliases.size() > names.size())
    throw Error(SqlState::InvalidColumnReference,
                "table \"" + (item.alias.empty() ? view.name : item.alias) + "\" has " +
                    std::to_string(names.size()) + " columns available but " +
                    std::to_string(item.columnAliases.size()) + " columns specified",
                item.location + 1);
  for (size_t i = 0; i < item.columnAliases.size(); ++i)
    names[i] = item.columnAliases[i];
  addToScope(item.alias.empty() ? view.name : item.alias, *block.plan, names, scope, item.location);
  return block.plan;
}

} // namespace flern::planner

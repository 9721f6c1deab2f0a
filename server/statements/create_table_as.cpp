// CREATE TABLE ... AS query [WITH [NO] DATA] and SELECT ... INTO: a table with the query's
// column names and types, filled with its rows all or nothing.
#include "common/error.h"
#include "planner/binder.h"
#include "server/database.h"

#include <set>

namespace flern::server {

using namespace planner;

StatementResult Database::createTableAs(const ast::CreateTableAsStmt& create) {
  StatementResult result;
  result.commandTag = create.selectInto ? "SELECT" : "CREATE TABLE AS";
  if (tables_.find(create.name) || tables_.findView(create.name) ||
      create.name == kModelsRelation) {
    if (create.ifNotExists && create.name != kModelsRelation) {
      result.notices.push_back("relation \"" + create.name + "\" already exists, skipping");
      return result;
    }
    throw Error(SqlState::DuplicateTable, "relation \"" + create.name + "\" already exists");
  }
  std::vector<std::string> names;
  std::vector<SqlType> types;
  std::unique_ptr<storage::ColumnarBuffer> rows;
  std::shared_ptr<void> keepAlive;
  if (create.withData) {
    StatementResult query = executeSelect(*create.query);
    names = std::move(query.columnNames);
    types = std::move(query.columnTypes);
    rows = std::move(query.rows);
    keepAlive = query.keepAlive;
  } else {
    Binder binder({tables_, models_});
    BoundQuery bound = binder.bindQuery(*create.query);
    names = bound.columnNames;
    types = bound.types();
  }
  if (create.columnNames.size() > names.size())
    throw Error(SqlState::SyntaxError, "too many column names were specified");
  for (size_t i = 0; i < create.columnNames.size(); ++i)
    names[i] = create.columnNames[i];
  std::vector<storage::ColumnDef> columns;
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second)
      throw Error(SqlState::DuplicateColumn,
                  "column \"" + names[i] + "\" specified more than once");
    columns.push_back({names[i], types[i], false});
  }
  if (columns.size() > 1600)
    throw Error(SqlState::TooManyColumns, "tables can have at most 1600 columns");
  auto table = std::make_shared<storage::Table>(create.name, columns);
  int64_t count = 0;
  if (rows) {
    // The rows' strings point into the query's arena and tables: copied into the chunks' heaps.
    for (auto& chunk : rows->chunks())
      for (auto& column : chunk->columns)
        column.internAll(chunk->rows);
    count = rows->rowCount();
    table->append(*rows);
  }
  tables_.add(table);
  if (create.withData || create.selectInto) result.commandTag = "SELECT " + std::to_string(count);
  return result;
}

} // namespace flern::server

#include "server/database.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

namespace flern::server {

using storage::appendCopyHeader;
using storage::appendCopyRow;
using storage::CopyInParser;
using storage::CopyOptions;

std::pair<std::shared_ptr<storage::Table>, std::vector<int>>
Database::copyTarget(const ast::CopyStmt& copy) {
  auto table = tables_.find(copy.table);
  if (!table && tables_.findView(copy.table))
    throw Error(SqlState::WrongObjectType, "cannot copy to view \"" + copy.table + "\"")
        .withHint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.");
  if (!table)
    throw Error(SqlState::UndefinedTable, "relation \"" + copy.table + "\" does not exist");
  std::vector<int> columns;
  if (copy.columns.empty()) {
    for (size_t i = 0; i < table->columns().size(); ++i)
      columns.push_back(static_cast<int>(i));
  }
  for (const auto& name : copy.columns) {
    int index = table->findColumn(name);
    if (index < 0)
      throw Error(SqlState::UndefinedColumn,
                  "column \"" + name + "\" of relation \"" + copy.table + "\" does not exist");
    columns.push_back(index);
  }
  return {table, columns};
}

std::unique_ptr<CopyInParser> Database::beginCopyIn(const ast::CopyStmt& copy) {
  CopyOptions options = CopyOptions::from(copy.options);
  std::shared_lock guard(lock_);
  auto [table, columns] = copyTarget(copy);
  return std::make_unique<CopyInParser>(options, table, columns);
}

StatementResult Database::finishCopyIn(const ast::CopyStmt& copy, CopyInParser& parser) {
  // Parsed without the lock; appended under it only if the table is still the same one.
  auto rows = parser.finish();
  storage::summarizeChunks(*rows,
                           static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  std::unique_lock guard(lock_);
  if (tables_.find(copy.table).get() != &parser.table())
    throw Error(SqlState::UndefinedTable,
                "relation \"" + copy.table + "\" was dropped during COPY");
  int64_t count = rows->rowCount();
  tables_.find(copy.table)->append(*rows);
  StatementResult result;
  result.commandTag = "COPY " + std::to_string(count);
  return result;
}

StatementResult Database::copy(const ast::CopyStmt& copy) {
  CopyOptions options = CopyOptions::from(copy.options);
  if (copy.isFrom) {
    if (copy.filename.empty())
      internalError("COPY FROM STDIN reaches the database only through copyIn");
    std::ifstream file(copy.filename, std::ios::binary);
    if (!file)
      throw Error(SqlState::UndefinedFile, "could not open file \"" + copy.filename +
                                               "\" for reading: " + std::strerror(errno))
          .withHint("COPY FROM instructs the Flern server process to read a file. You may want a "
                    "client-side facility such as psql's \\copy.");
    auto parser = beginCopyIn(copy);
    std::string block(1 << 20, '\0');
    while (file) {
      file.read(block.data(), static_cast<std::streamsize>(block.size()));
      parser->feed(std::string_view(block.data(), static_cast<size_t>(file.gcount())));
    }
    return finishCopyIn(copy, *parser);
  }
  // COPY ... TO: run the query (or the whole table) as a SELECT.
  ast::SelectStmt tableSelect;
  const ast::SelectStmt* select = copy.query.get();
  if (!select) {
    std::shared_lock guard(lock_);
    if (tables_.findView(copy.table))
      throw Error(SqlState::WrongObjectType, "cannot copy from view \"" + copy.table + "\"")
          .withHint("Try the COPY (SELECT ...) TO variant.");
  }
  if (!select) {
    ast::FromItem from;
    from.kind = ast::FromItem::Kind::Table;
    from.name = copy.table;
    from.location = copy.tableLocation;
    tableSelect.from.push_back(std::move(from));
    auto addTarget = [&](std::vector<std::string> names) {
      ast::SelectTarget target;
      target.expr = std::make_unique<ast::Expr>();
      target.expr->kind = names.empty() ? ast::ExprKind::Star : ast::ExprKind::ColumnRef;
      target.expr->names = std::move(names);
      tableSelect.targets.push_back(std::move(target));
    };
    if (copy.columns.empty()) addTarget({});
    for (const auto& name : copy.columns)
      addTarget({name});
    select = &tableSelect;
  }
  StatementResult result;
  {
    std::shared_lock guard(lock_);
    result = executeSelect(*select);
  }
  int64_t count = result.rows->rowCount();
  result.commandTag = "COPY " + std::to_string(count);
  if (copy.filename.empty()) {
    result.returnsRows = false;
    result.copyOut = true;
    result.copyOptions = options;
    return result;
  }
  std::ofstream file(copy.filename, std::ios::binary | std::ios::trunc);
  if (!file)
    throw Error(SqlState::UndefinedFile, "could not open file \"" + copy.filename +
                                             "\" for writing: " + std::strerror(errno));
  std::string text;
  appendCopyHeader(text, result.columnNames, options);
  for (const auto& chunk : result.rows->chunks()) {
    for (int64_t row = 0; row < chunk->rows; ++row)
      appendCopyRow(text, *chunk, row, options);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    text.clear();
  }
  StatementResult done;
  done.commandTag = result.commandTag;
  return done;
}

} // namespace flern::server

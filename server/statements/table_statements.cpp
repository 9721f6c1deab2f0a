#include "server/database.h"

#include "common/error.h"
#include "ir/ops/streaming.h"
#include "planner/executor.h"
#include "planner/optimizer/rule_utilities.h"
#include "planner/planner.h"
#include "storage/copy_format.h"

#include <set>
#include <thread>

namespace flern::server {

using namespace planner;

StatementResult Database::createTable(const ast::CreateTableStmt& create) {
  StatementResult result;
  result.commandTag = "CREATE TABLE";
  if (tables_.find(create.name) || tables_.findView(create.name)) {
    if (create.ifNotExists) {
      result.notices.push_back("relation \"" + create.name + "\" already exists, skipping");
      return result;
    }
    throw Error(SqlState::DuplicateTable, "relation \"" + create.name + "\" already exists");
  }
  if (create.name == kModelsRelation)
    throw Error(SqlState::DuplicateTable, "relation \"" + create.name + "\" already exists")
        .withDetail("The name is reserved for the catalog of models.");
  std::vector<storage::ColumnDef> columns;
  std::set<std::string> names;
  for (const auto& column : create.columns) {
    if (!names.insert(column.name).second)
      throw Error(SqlState::DuplicateColumn,
                  "column \"" + column.name + "\" specified more than once");
    columns.push_back({column.name, Binder::bindTypeName(column.type), column.notNull});
  }
  if (columns.size() > 1600)
    throw Error(SqlState::TooManyColumns, "tables can have at most 1600 columns");
  tables_.add(std::make_shared<storage::Table>(create.name, columns));
  return result;
}

StatementResult Database::insert(const ast::InsertStmt& insert) {
  auto table = tables_.find(insert.table);
  if (!table && tables_.findView(insert.table))
    throw Error(SqlState::FeatureNotSupported, "cannot insert into view \"" + insert.table + "\"",
                insert.tableLocation + 1)
        .withDetail("Flern has no updatable views.");
  if (!table)
    throw Error(SqlState::UndefinedTable, "relation \"" + insert.table + "\" does not exist",
                insert.tableLocation + 1);
  const auto& columns = table->columns();
  // Target column of each source column.
  std::vector<int> targets;
  if (insert.columns.empty()) {
    for (size_t i = 0; i < columns.size(); ++i)
      targets.push_back(static_cast<int>(i));
  } else {
    for (const auto& name : insert.columns) {
      int index = table->findColumn(name);
      if (index < 0)
        throw Error(SqlState::UndefinedColumn,
                    "column \"" + name + "\" of relation \"" + insert.table + "\" does not exist");
      for (int existing : targets)
        if (existing == index)
          throw Error(SqlState::DuplicateColumn,
                      "column \"" + name + "\" specified more than once");
      targets.push_back(index);
    }
  }
  Binder binder({tables_, models_});
  std::vector<storage::ColumnDef> targetColumns;
  for (int index : targets)
    targetColumns.push_back(columns[index]);
  BoundQuery bound =
      binder.bindQuery(*insert.source, insert.source->values.empty() ? nullptr : &targetColumns,
                       /*resolveUnknown=*/false);
  const size_t given = bound.plan->columns.size();
  if (given > targets.size())
    throw Error(SqlState::SyntaxError, "INSERT has more expressions than target columns");
  if (given < targets.size() && !insert.columns.empty())
    throw Error(SqlState::SyntaxError, "INSERT has more target columns than expressions");
  // Each source column converts to its target column's type (literals are parsed here) ...
  std::vector<int> sourceOf(columns.size(), -1);
  // Inside the query's own projection when it has one, so that literals are parsed once.
  bool inPlace = bound.plan->kind == LogicalKind::Project;
  auto castProject = std::make_shared<LogicalOperator>();
  if (inPlace) {
    *castProject = *bound.plan;
  } else {
    castProject->kind = LogicalKind::Project;
    castProject->children = {bound.plan};
    castProject->expressions = columnRefs(bound.plan->columns);
    castProject->columns = bound.plan->columns;
  }
  for (size_t i = 0; i < given; ++i) {
    const storage::ColumnDef& target = columns[targets[i]];
    castProject->expressions[i] =
        Binder::assignmentCast(castProject->expressions[i], target.type, target.name);
    castProject->columns[i].type = target.type;
    sourceOf[targets[i]] = static_cast<int>(i);
  }
  bound.plan = castProject;
  PlannedQuery planned = planQuery(binder, std::move(bound));
  TableBindings& bindings = planned.bindings;
  auto source = std::move(planned.physical);
  // ... and the rows are laid out in table column order, NULL where no value was given.
  std::vector<ir::BoundExprPtr> projections;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (sourceOf[c] >= 0) {
      projections.push_back(ir::makeColumn(sourceOf[c], columns[c].type));
      continue;
    }
    auto null = std::make_shared<ir::BoundExpr>();
    null->kind = ir::BoundKind::Constant;
    null->type = columns[c].type;
    null->isNull = true;
    projections.push_back(null);
  }
  ir::Projection plan(std::move(source), projections);
  Executor executor(*jit_);
  Execution execution = executor.run(plan, bindings, SinkKind::Result);
  storage::ColumnarBuffer& rows = *execution.rows;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!columns[c].notNull) continue;
    for (const auto& chunk : rows.chunks())
      for (int64_t r = 0; r < chunk->rows; ++r)
        if (chunk->columns[c].nulls()[r])
          throw Error(SqlState::NotNullViolation, "null value in column \"" + columns[c].name +
                                                      "\" of relation \"" + table->name() +
                                                      "\" violates not-null constraint")
              .withDetail(storage::failingRowDetail(*chunk, r));
  }
  for (auto& chunk : rows.chunks())
    for (auto& column : chunk->columns)
      column.internAll(chunk->rows);
  int64_t count = rows.rowCount();
  table->append(rows);
  StatementResult result;
  result.commandTag = "INSERT 0 " + std::to_string(count);
  return result;
}

StatementResult Database::analyze(const ast::AnalyzeStmt& analyze) {
  // Every name is checked before any table is analyzed, as one statement changes all or nothing.
  std::vector<std::shared_ptr<storage::Table>> targets;
  StatementResult result;
  for (const auto& target : analyze.targets) {
    auto table = tables_.find(target.table);
    if (!table && tables_.findView(target.table)) {
      result.warnings.push_back("skipping \"" + target.table +
                                "\" --- cannot analyze non-tables or special system tables");
      continue;
    }
    if (!table)
      throw Error(SqlState::UndefinedTable, "relation \"" + target.table + "\" does not exist");
    for (const auto& column : target.columns)
      if (table->findColumn(column) < 0)
        throw Error(SqlState::UndefinedColumn, "column \"" + column + "\" of relation \"" +
                                                   target.table + "\" does not exist");
    targets.push_back(table);
  }
  if (analyze.targets.empty())
    for (const auto& [name, table] : tables_.tables())
      targets.push_back(table);
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (const auto& table : targets)
    table->analyze(threads);
  result.commandTag = "ANALYZE";
  return result;
}

} // namespace flern::server

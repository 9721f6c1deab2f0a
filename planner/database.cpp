#include "planner/database.h"

#include "common/error.h"
#include "ir/ops/streaming.h"
#include "planner/binder.h"
#include "planner/executor.h"
#include "planner/optimizer/optimizer.h"
#include "planner/optimizer/rule_utilities.h"
#include "planner/physical_planner.h"
#include "tpch/generator.h"
#include "tpch/loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace flern::planner {

namespace {

std::string formatMs(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", ms);
  return buffer;
}

/// A query from binding to its physical plan.
struct PlannedQuery {
  BoundQuery bound;
  LogicalPtr optimized;
  TableBindings bindings;
  ir::PhysicalOperatorPtr physical;
};

/// Optimizes `bound` (which `binder` made) and plans it physically; `countRows` for EXPLAIN
/// ANALYZE.
PlannedQuery planBound(Binder& binder, BoundQuery bound, bool countRows = false) {
  PlannedQuery planned;
  OptimizerContext context{[&binder] { return binder.newColumnId(); }};
  planned.optimized = optimize(bound.plan, context);
  planned.physical = planPhysical(*planned.optimized, planned.bindings, countRows);
  planned.bound = std::move(bound);
  return planned;
}

} // namespace

Database::Database(std::filesystem::path dataDir) : dataDir_(std::move(dataDir)) {
  std::filesystem::create_directories(dataDir_);
  std::string lockPath = (dataDir_ / "flern.lock").string();
  dataDirLock_ = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (dataDirLock_ < 0 || ::flock(dataDirLock_, LOCK_EX | LOCK_NB) != 0)
    throw Error(SqlState::IoError,
                "data directory \"" + dataDir_.string() + "\" is in use by another Flern server");
  tables_.load(dataDir_);
  models_.load(dataDir_);
  jit_ = jit::JitEngine::create();
}

Database::~Database() {
  if (dataDirLock_ >= 0) ::close(dataDirLock_);
}

void Database::checkpoint() {
  std::unique_lock guard(lock_);
  tables_.checkpoint(dataDir_);
  models_.checkpoint(dataDir_);
}

StatementResult Database::execute(const ast::Statement& statement) {
  switch (statement.kind) {
  case ast::StmtKind::Select: {
    std::shared_lock guard(lock_);
    return executeSelect(*statement.select);
  }
  case ast::StmtKind::Explain: {
    std::shared_lock guard(lock_);
    return explain(statement);
  }
  case ast::StmtKind::CreateTable: {
    std::unique_lock guard(lock_);
    return createTable(*statement.createTable);
  }
  case ast::StmtKind::DropTable:
  case ast::StmtKind::DropView: {
    std::unique_lock guard(lock_);
    return dropRelations(*statement.drop, statement.kind == ast::StmtKind::DropView);
  }
  case ast::StmtKind::CreateView: {
    std::unique_lock guard(lock_);
    return createView(*statement.createView, statement.text);
  }
  case ast::StmtKind::CreateTableAs: {
    std::unique_lock guard(lock_);
    return createTableAs(*statement.createTableAs);
  }
  case ast::StmtKind::Insert: {
    std::unique_lock guard(lock_);
    return insert(*statement.insert);
  }
  case ast::StmtKind::CreateModel: {
    std::unique_lock guard(lock_);
    return createModel(*statement.createModel);
  }
  case ast::StmtKind::DropModel: {
    std::unique_lock guard(lock_);
    return dropModel(*statement.drop);
  }
  case ast::StmtKind::Checkpoint: {
    checkpoint();
    StatementResult result;
    result.commandTag = "CHECKPOINT";
    return result;
  }
  case ast::StmtKind::Copy:
    return copy(*statement.copy);
  case ast::StmtKind::Call:
    return call(*statement.call);
  case ast::StmtKind::Analyze: {
    // Exclusive: ANALYZE rewrites the chunks' zone maps, which running scans read.
    std::unique_lock guard(lock_);
    return analyze(*statement.analyze);
  }
  case ast::StmtKind::Utility: {
    StatementResult result;
    result.commandTag = statement.utility.tag;
    // Drivers roll back after an error (psycopg2 does); say plainly that nothing is undone.
    if (result.commandTag == "ROLLBACK")
      result.warnings.push_back(
          "Flern has no transactions yet: statements since BEGIN stay applied");
    return result;
  }
  }
  internalError("unknown statement kind");
}

StatementResult Database::executeSelect(const ast::SelectStmt& select) {
  Binder binder({tables_, models_});
  PlannedQuery query = planBound(binder, binder.bindQuery(select));
  Executor executor(*jit_);
  Execution execution = executor.run(*query.physical, query.bindings, SinkKind::Result);
  StatementResult result;
  result.returnsRows = true;
  result.columnNames = query.bound.columnNames;
  result.columnTypes = query.physical->outputTypes();
  result.commandTag = "SELECT " + std::to_string(execution.rows->rowCount());
  result.rows = std::move(execution.rows);
  result.keepAlive = execution.keepAlive;
  return result;
}

StatementResult Database::explain(const ast::Statement& statement) {
  const ast::Statement& inner = *statement.explained;
  if (inner.kind != ast::StmtKind::Select)
    throw Error(SqlState::FeatureNotSupported, "EXPLAIN is supported for SELECT only");
  Binder binder({tables_, models_});
  PlannedQuery query = planBound(binder, binder.bindQuery(*inner.select), statement.explainAnalyze);
  auto& plan = query.physical;
  auto& bindings = query.bindings;
  StatementResult result;
  result.returnsRows = true;
  result.columnNames = {"QUERY PLAN"};
  result.columnTypes = {SqlType::text()};
  result.textRows = ir::explainTree(*plan);
  if (statement.explainVerbose) {
    result.textRows.push_back("Optimized logical plan:");
    for (const auto& line : explainLogical(*query.optimized))
      result.textRows.push_back("  " + line);
  }
  auto appendLines = [&](const std::string& title, const std::string& text) {
    result.textRows.push_back(title);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      result.textRows.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  };
  if (statement.explainIr || statement.explainLlvm) {
    std::map<std::string, ir::StateFactory> factories;
    auto module = Executor::generate(*plan, SinkKind::Result, factories);
    if (statement.explainIr) appendLines("Flern IR:", ir::print(*module));
    if (statement.explainLlvm) appendLines("LLVM IR (optimized):", jit_->llvmText(*module));
  }
  if (statement.explainAnalyze) {
    Executor executor(*jit_);
    Execution execution = executor.run(*plan, bindings, SinkKind::Result);
    const auto& compile = execution.compile;
    // The plan again, now with the rows each operator produced.
    auto analyzed = ir::explainTree(*plan, &execution.rowCounts);
    std::copy(analyzed.begin(), analyzed.end(), result.textRows.begin());
    result.textRows.push_back("Rows: " + std::to_string(execution.rows->rowCount()));
    result.textRows.push_back("Compile Time: " + formatMs(compile.totalMs()) + " (lower " +
                              formatMs(compile.lowerMs) + ", optimize " +
                              formatMs(compile.optimizeMs) + ", machine code " +
                              formatMs(compile.codegenMs) + ", " +
                              std::to_string(compile.llvmInstructions) + " LLVM instructions)");
    result.textRows.push_back("Execution Time: " + formatMs(execution.executeMs));
    result.textRows.push_back("Chunks Skipped: " + std::to_string(execution.chunksSkipped));
  }
  result.commandTag = "EXPLAIN";
  return result;
}

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
  PlannedQuery planned = planBound(binder, std::move(bound));
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
              .withDetail(failingRowDetail(*chunk, r));
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

StatementResult Database::createModel(const ast::CreateModelStmt& create) {
  if (models_.find(create.name))
    throw Error(SqlState::DuplicateObject, "model \"" + create.name + "\" already exists");
  if (!mlops::isKnownAlgorithm(create.algorithm))
    throw Error(SqlState::InvalidParameterValue,
                "unrecognized training algorithm \"" + create.algorithm + "\"",
                create.algorithmLocation + 1)
        .withHint("Available: linear_regression.");
  if (!create.options.empty())
    throw Error(SqlState::InvalidParameterValue,
                "unrecognized model option \"" + create.options[0].first + "\"");
  Binder binder({tables_, models_});
  BoundQuery bound = binder.bindQuery(*create.query);
  const auto& names = bound.columnNames;
  const auto& outputs = bound.plan->columns;
  int target = -1;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == create.target) target = static_cast<int>(i);
  if (target < 0)
    throw Error(SqlState::UndefinedColumn,
                "column \"" + create.target + "\" does not exist in the model's query",
                create.targetLocation + 1);
  if (names.size() < 2)
    throw Error(SqlState::InvalidParameterValue, "a model needs at least one feature column");
  auto model = std::make_shared<mlops::Model>();
  model->name = create.name;
  model->algorithm = create.algorithm;
  model->target = create.target;
  model->query = create.queryText;
  // Training row: features in query order, then the target.
  std::vector<ir::BoundExprPtr> trainColumns;
  for (size_t i = 0; i < names.size(); ++i) {
    if (static_cast<int>(i) == target) continue;
    if (!outputs[i].type.isNumericLike())
      throw Error(SqlState::DatatypeMismatch, "feature \"" + names[i] +
                                                  "\" must be numeric, not type " +
                                                  outputs[i].type.name());
    model->featureNames.push_back(names[i]);
    trainColumns.push_back(ir::makeColumn(static_cast<int>(i), outputs[i].type));
  }
  if (!outputs[target].type.isNumericLike())
    throw Error(SqlState::DatatypeMismatch, "target \"" + create.target +
                                                "\" must be numeric, not type " +
                                                outputs[target].type.name());
  trainColumns.push_back(ir::makeColumn(target, outputs[target].type));
  PlannedQuery planned = planBound(binder, std::move(bound));
  TableBindings& bindings = planned.bindings;
  auto source = std::move(planned.physical);
  ir::Projection plan(std::move(source), trainColumns);
  Executor executor(*jit_);
  Execution execution = executor.run(plan, bindings, SinkKind::Train);
  int features = static_cast<int>(model->featureNames.size());
  model->weights = std::make_shared<ir::ModelWeights>(
      mlops::fitLinearRegression(execution.trainState, features));
  model->trainingRows = static_cast<int64_t>(execution.trainState.back());
  models_.add(model);
  StatementResult result;
  result.commandTag = "CREATE MODEL";
  return result;
}

StatementResult Database::dropModel(const ast::DropStmt& drop) {
  StatementResult result;
  result.commandTag = "DROP MODEL";
  for (size_t i = 0; i < drop.names.size(); ++i)
    if (!models_.find(drop.names[i]) && !drop.ifExists)
      throw Error(SqlState::UndefinedObject, "model \"" + drop.names[i] + "\" does not exist",
                  drop.locations[i] + 1);
  for (const auto& name : drop.names)
    if (!models_.remove(name))
      result.notices.push_back("model \"" + name + "\" does not exist, skipping");
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

StatementResult Database::call(const ast::Expr& call) {
  if (call.text != "tpch_load")
    throw Error(SqlState::UndefinedFunction, "procedure " + call.text + " does not exist",
                call.location + 1)
        .withHint("Flern has one procedure: tpch_load(scale_factor).");
  if (call.args.size() != 1)
    throw Error(SqlState::UndefinedFunction,
                "procedure tpch_load takes one argument, the scale factor", call.location + 1);
  double scale = 0;
  {
    std::shared_lock guard(lock_);
    Binder binder({tables_, models_});
    ir::BoundExprPtr arg = binder.bindConstantExpr(*call.args[0]);
    if (arg->kind != ir::BoundKind::Constant || arg->isNull || !arg->type.isNumericLike())
      throw Error(SqlState::DatatypeMismatch, "tpch_load needs a numeric constant scale factor",
                  call.args[0]->location + 1);
    scale = arg->type.id == TypeId::Numeric
                ? std::strtod(formatNumeric(arg->numericValue, arg->type.scale).c_str(), nullptr)
            : arg->type.id == TypeId::Float64 ? arg->floatValue
                                              : static_cast<double>(arg->intValue);
  }
  if (!(scale > 0) || scale > 100000)
    throw Error(SqlState::InvalidParameterValue, "scale factor must be in (0, 100000]",
                call.args[0]->location + 1);
  const tpch::Table all[] = {tpch::Table::Region,   tpch::Table::Nation,  tpch::Table::Supplier,
                             tpch::Table::Customer, tpch::Table::Part,    tpch::Table::PartSupp,
                             tpch::Table::Orders,   tpch::Table::LineItem};
  // Part and orders bring partsupp and lineitem along.
  const tpch::Table masters[] = {tpch::Table::Region,   tpch::Table::Nation, tpch::Table::Supplier,
                                 tpch::Table::Customer, tpch::Table::Part,   tpch::Table::Orders};
  auto checkFree = [&] {
    for (auto table : all)
      if (tables_.find(tpch::tableName(table)))
        throw Error(SqlState::DuplicateTable,
                    std::string("relation \"") + tpch::tableName(table) + "\" already exists")
            .withHint("Drop the TPC-H tables before loading them again.");
  };
  {
    std::shared_lock guard(lock_);
    checkFree();
  }
  // Generate without holding the lock; other sessions keep working meanwhile.
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::shared_ptr<storage::Table>> generated;
  for (auto master : masters)
    for (auto& table : tpch::generateTables(master, scale, threads))
      generated.push_back(table);
  std::unique_lock guard(lock_);
  checkFree();
  for (auto& table : generated)
    tables_.add(table);
  StatementResult result;
  result.commandTag = "CALL";
  return result;
}

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

} // namespace flern::planner

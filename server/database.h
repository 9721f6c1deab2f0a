// The database: catalog, models, JIT and data directory behind one statement-level interface.
//
// Concurrency: one readers-writer lock. SELECT and EXPLAIN hold it shared for planning,
// compilation and execution; statements that change tables or models hold it exclusively. A
// statement either completes or changes nothing: INSERT builds its rows aside and appends them
// only after every check passed.
#pragma once

#include "jit/jit.h"
#include "mlops/model_catalog.h"
#include "parser/ast.h"
#include "storage/catalog.h"
#include "storage/copy_format.h"

#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace flern::server {

/// The outcome of one statement, in the shape the wire protocol sends it.
struct StatementResult {
  bool returnsRows = false;
  std::vector<std::string> columnNames;
  std::vector<SqlType> columnTypes;
  std::unique_ptr<storage::ColumnarBuffer> rows;
  std::vector<std::string> textRows; ///< for EXPLAIN: one text column
  std::string commandTag;
  std::vector<std::string> notices;
  std::vector<std::string> warnings;
  bool copyOut = false;             ///< COPY ... TO STDOUT: send `rows` in the COPY sub-protocol
  storage::CopyOptions copyOptions; ///< their format
  std::shared_ptr<void> keepAlive;  ///< what `rows` points into
};

class Database {
public:
  /// Opens (creating if needed) the data directory, locks it against a second server, and loads
  /// the last checkpoint.
  explicit Database(std::filesystem::path dataDir);
  ~Database();

  StatementResult execute(const ast::Statement& statement);
  /// Starts COPY ... FROM: checks the target and returns the parser to feed the input to.
  std::unique_ptr<storage::CopyInParser> beginCopyIn(const ast::CopyStmt& copy);
  /// Appends the parsed input to its table, all or nothing.
  StatementResult finishCopyIn(const ast::CopyStmt& copy, storage::CopyInParser& parser);
  /// Writes tables and models to the data directory.
  void checkpoint();

private:
  StatementResult executeSelect(const ast::SelectStmt& select);
  StatementResult explain(const ast::Statement& statement);
  StatementResult createTable(const ast::CreateTableStmt& create);
  // view_statements.cpp
  StatementResult createView(const ast::CreateViewStmt& create, const std::string& text);
  /// DROP TABLE (`views` false) or DROP VIEW: refuses objects of the other kind and, without
  /// CASCADE, relations that views depend on.
  StatementResult dropRelations(const ast::DropStmt& drop, bool views);
  // create_table_as.cpp
  StatementResult createTableAs(const ast::CreateTableAsStmt& create);
  StatementResult insert(const ast::InsertStmt& insert);
  StatementResult createModel(const ast::CreateModelStmt& create);
  StatementResult dropModel(const ast::DropStmt& drop);
  StatementResult copy(const ast::CopyStmt& copy);
  /// CALL procedure(...): tpch_load(scale_factor) creates and fills the TPC-H tables.
  StatementResult call(const ast::Expr& call);
  /// ANALYZE: recomputes the statistics and zone maps of the named tables (all without names).
  StatementResult analyze(const ast::AnalyzeStmt& analyze);
  /// The table and target columns of COPY FROM (raises 42P01/42703).
  std::pair<std::shared_ptr<storage::Table>, std::vector<int>>
  copyTarget(const ast::CopyStmt& copy);

  std::filesystem::path dataDir_;
  int dataDirLock_ = -1; ///< flock()ed DATA/flern.lock: one server per data directory
  std::shared_mutex lock_;
  storage::Catalog tables_;
  mlops::ModelCatalog models_;
  std::unique_ptr<jit::JitEngine> jit_;
};

} // namespace flern::server

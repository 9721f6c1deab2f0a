#include "server/database.h"

#include "common/error.h"

#include <fcntl.h>
#include <mutex>
#include <sys/file.h>
#include <unistd.h>

namespace flern::server {

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

} // namespace flern::server

#include "server/database.h"

#include "common/error.h"
#include "planner/binder.h"
#include "tpch/generator.h"
#include "tpch/loader.h"

#include <cstdlib>
#include <mutex>
#include <thread>

namespace flern::server {

using namespace planner;

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

} // namespace flern::server

#include "server/database.h"

#include "common/error.h"
#include "ir/ops/streaming.h"
#include "planner/executor.h"
#include "planner/planner.h"

namespace flern::server {

using namespace planner;

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
  PlannedQuery planned = planQuery(binder, std::move(bound));
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

} // namespace flern::server

#include "mlops/model_catalog.h"

#include "common/error.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace flern::mlops {

bool isKnownAlgorithm(const std::string& algorithm) {
  return algorithm == "linear_regression";
}

ir::ModelWeights fitLinearRegression(const std::vector<double>& state, int features) {
  const int k = features + 1;
  FLERN_ASSERT(static_cast<int>(state.size()) == k * k + k + 1, "training state size");
  const double rows = state[k * k + k];
  if (rows < k)
    throw Error(SqlState::InvalidParameterValue, "not enough rows to train the model")
        .withDetail("Linear regression with " + std::to_string(features) +
                    " features needs at least " + std::to_string(k) +
                    " rows without nulls; the query gave " +
                    std::to_string(static_cast<int64_t>(rows)) + ".");
  // Gaussian elimination with partial pivoting on [X^T X | X^T y].
  std::vector<std::vector<double>> a(k, std::vector<double>(k + 1));
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j)
      a[i][j] = state[i * k + j];
    a[i][k] = state[k * k + i];
  }
  for (int column = 0; column < k; ++column) {
    int pivot = column;
    for (int r = column + 1; r < k; ++r)
      if (std::abs(a[r][column]) > std::abs(a[pivot][column])) pivot = r;
    double scale = 0;
    for (int j = 0; j < k; ++j)
      scale = std::max(scale, std::abs(state[column * k + j]));
    if (std::abs(a[pivot][column]) <= 1e-12 * std::max(scale, 1.0))
      throw Error(SqlState::InvalidParameterValue,
                  "cannot train the model: the features are collinear")
          .withHint("Remove features that are constant or linear combinations of others.");
    std::swap(a[pivot], a[column]);
    for (int r = 0; r < k; ++r) {
      if (r == column) continue;
      double factor = a[r][column] / a[column][column];
      for (int j = column; j <= k; ++j)
        a[r][j] -= factor * a[column][j];
    }
  }
  ir::ModelWeights weights;
  weights.algorithm = "linear_regression";
  weights.intercept = a[0][k] / a[0][0];
  for (int i = 1; i < k; ++i)
    weights.coefficients.push_back(a[i][k] / a[i][i]);
  return weights;
}

std::shared_ptr<const Model> ModelCatalog::find(const std::string& name) const {
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second;
}

void ModelCatalog::add(std::shared_ptr<const Model> model) {
  if (models_.count(model->name))
    throw Error(SqlState::DuplicateObject, "model \"" + model->name + "\" already exists");
  models_[model->name] = std::move(model);
}

bool ModelCatalog::remove(const std::string& name) {
  return models_.erase(name) > 0;
}

void ModelCatalog::checkpoint(const std::filesystem::path& dataDir) const {
  nlohmann::json json = nlohmann::json::array();
  for (const auto& [name, model] : models_)
    json.push_back({{"name", model->name},
                    {"algorithm", model->algorithm},
                    {"target", model->target},
                    {"features", model->featureNames},
                    {"coefficients", model->weights->coefficients},
                    {"intercept", model->weights->intercept},
                    {"training_rows", model->trainingRows},
                    {"query", model->query}});
  auto staging = dataDir / "models.json.new";
  {
    std::ofstream out(staging, std::ios::trunc);
    out << json.dump(2) << "\n";
    if (!out) throw Error(SqlState::IoError, "could not write \"" + staging.string() + "\"");
  }
  std::filesystem::rename(staging, dataDir / "models.json");
}

void ModelCatalog::load(const std::filesystem::path& dataDir) {
  auto path = dataDir / "models.json";
  if (!std::filesystem::exists(path)) return;
  nlohmann::json json;
  std::ifstream(path) >> json;
  for (const auto& entry : json) {
    auto model = std::make_shared<Model>();
    model->name = entry.at("name");
    model->algorithm = entry.at("algorithm");
    model->target = entry.at("target");
    model->featureNames = entry.at("features").get<std::vector<std::string>>();
    auto weights = std::make_shared<ir::ModelWeights>();
    weights->algorithm = model->algorithm;
    weights->coefficients = entry.at("coefficients").get<std::vector<double>>();
    weights->intercept = entry.at("intercept");
    model->weights = weights;
    model->trainingRows = entry.at("training_rows");
    model->query = entry.at("query");
    models_[model->name] = model;
  }
}

} // namespace flern::mlops

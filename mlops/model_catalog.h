// Models: the catalog of trained models, linear-regression fitting from the normal equations that
// compiled training pipelines accumulate, and the models' durable form.
#pragma once

#include "ir/expr.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flern::mlops {

/// A trained model as the catalog keeps it.
struct Model {
  std::string name;
  std::string algorithm;                 ///< "linear_regression"
  std::string target;                    ///< predicted column
  std::vector<std::string> featureNames; ///< in PREDICT argument order
  std::shared_ptr<const ir::ModelWeights> weights;
  int64_t trainingRows = 0;
  std::string query; ///< the training query text
};

/// The algorithms CREATE MODEL ... TRAIN accepts.
bool isKnownAlgorithm(const std::string& algorithm);

/// Solves the normal equations accumulated by TrainSink: `state` holds the k*k gram matrix
/// (intercept column first), the k moment vector and the row count, k = features + 1.
/// Raises 22023 when there are fewer rows than parameters or the features are collinear.
ir::ModelWeights fitLinearRegression(const std::vector<double>& state, int features);

/// Models by name. Not synchronized: the owner (the Database) serializes access.
class ModelCatalog {
public:
  std::shared_ptr<const Model> find(const std::string& name) const;
  /// Adds a model; raises 42710 when the name is taken.
  void add(std::shared_ptr<const Model> model);
  bool remove(const std::string& name);
  const std::map<std::string, std::shared_ptr<const Model>>& models() const { return models_; }

  /// Writes DATA/models.json atomically (write then rename).
  void checkpoint(const std::filesystem::path& dataDir) const;
  void load(const std::filesystem::path& dataDir);

private:
  std::map<std::string, std::shared_ptr<const Model>> models_;
};

} // namespace flern::mlops

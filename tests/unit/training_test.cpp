// Training math: the normal-equation solver recovers known coefficients.
#include "common/error.h"
#include "mlops/model_catalog.h"

#include <gtest/gtest.h>

#include <random>

using namespace flern;

namespace {

/// The state TrainSink accumulates: gram matrix of [1, x...], moments, count.
std::vector<double> accumulate(const std::vector<std::vector<double>>& xs,
                               const std::vector<double>& ys) {
  size_t k = xs[0].size() + 1;
  std::vector<double> state(k * k + k + 1, 0.0);
  for (size_t r = 0; r < xs.size(); ++r) {
    std::vector<double> x = {1.0};
    x.insert(x.end(), xs[r].begin(), xs[r].end());
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < k; ++j)
        state[i * k + j] += x[i] * x[j];
      state[k * k + i] += x[i] * ys[r];
    }
    state[k * k + k] += 1;
  }
  return state;
}

} // namespace

TEST(LinearRegression, RecoversExactCoefficients) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> uniform(-10, 10);
  std::vector<std::vector<double>> xs;
  std::vector<double> ys;
  for (int i = 0; i < 500; ++i) {
    double a = uniform(random), b = uniform(random), c = uniform(random);
    xs.push_back({a, b, c});
    ys.push_back(3.5 + 2 * a - 0.25 * b + 7 * c);
  }
  auto weights = mlops::fitLinearRegression(accumulate(xs, ys), 3);
  EXPECT_NEAR(weights.intercept, 3.5, 1e-9);
  EXPECT_NEAR(weights.coefficients[0], 2, 1e-9);
  EXPECT_NEAR(weights.coefficients[1], -0.25, 1e-9);
  EXPECT_NEAR(weights.coefficients[2], 7, 1e-9);
}

TEST(LinearRegression, TooFewRows) {
  try {
    mlops::fitLinearRegression(accumulate({{1.0, 2.0}}, {3.0}), 2);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.state(), SqlState::InvalidParameterValue);
  }
}

TEST(LinearRegression, CollinearFeatures) {
  std::vector<std::vector<double>> xs;
  std::vector<double> ys;
  for (int i = 0; i < 10; ++i) {
    xs.push_back({double(i), 2.0 * i});
    ys.push_back(i);
  }
  EXPECT_THROW(mlops::fitLinearRegression(accumulate(xs, ys), 2), Error);
}

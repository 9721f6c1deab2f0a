#include "storage/hyperloglog.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace flern::storage {

uint64_t hashBytes(const char* data, size_t length) {
  // One multiply per 8 bytes, two words in flight; hashInteger at the end spreads the bits.
  uint64_t a = 0x243f6a8885a308d3ULL ^ length, b = 0x13198a2e03707344ULL;
  size_t i = 0;
  for (; i + 16 <= length; i += 16) {
    uint64_t x, y;
    std::memcpy(&x, data + i, 8);
    std::memcpy(&y, data + i + 8, 8);
    a = (a ^ x) * 0x9e3779b97f4a7c15ULL;
    b = (b ^ y) * 0xbf58476d1ce4e5b9ULL;
    a ^= a >> 32;
    b ^= b >> 29;
  }
  if (i < length) {
    uint64_t tail[2] = {0, 0};
    std::memcpy(tail, data + i, length - i);
    a = (a ^ tail[0]) * 0x9e3779b97f4a7c15ULL;
    b = (b ^ tail[1]) * 0xbf58476d1ce4e5b9ULL;
  }
  return hashInteger(a ^ (b >> 31) ^ (b << 33));
}

void HyperLogLog::merge(const HyperLogLog& other) {
  for (size_t i = 0; i < kRegisters; ++i)
    if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
}

namespace {

// The two series of Ertl's estimator: sigma for the registers still zero, tau for the ones that
// reached the maximum rank.
double sigma(double x) {
  if (x == 1) return std::numeric_limits<double>::infinity();
  double y = 1, z = x;
  while (true) {
    x *= x;
    double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

double tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x;
  while (true) {
    x = std::sqrt(x);
    double previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z == previous) return z / 3;
  }
}

} // namespace

double HyperLogLog::estimate() const {
  constexpr int q = 64 - kPrecision; // ranks run from 0 to q + 1
  int histogram[q + 2] = {};
  for (uint8_t rank : registers_)
    ++histogram[rank];
  const double m = kRegisters;
  if (histogram[0] == static_cast<int>(kRegisters)) return 0;
  double z = m * tau(1 - histogram[q + 1] / m);
  for (int k = q; k >= 1; --k)
    z = 0.5 * (z + histogram[k]);
  z += m * sigma(histogram[0] / m);
  return m * m / (2 * std::log(2.0)) / z;
}

} // namespace flern::storage

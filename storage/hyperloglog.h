// HyperLogLog distinct-count sketches and the value hashes they are fed with.
//
// 4,096 one-byte registers (standard error about 1.6%); two sketches of the same column merge
// by taking the larger register, so a table's sketch is the merge of its chunks' sketches. The
// estimate uses Ertl's improved raw estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017), which needs no empirical bias tables and no switch to linear
// counting for small cardinalities.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace flern::storage {

/// A 64-bit hash of one integer with full avalanche (every input bit flips each output bit with
/// probability about one half), so consecutive keys spread over all registers.
inline uint64_t hashInteger(uint64_t value) {
  value ^= value >> 31;
  value *= 0x7fb5d329728ea185ULL;
  value ^= value >> 27;
  value *= 0x81dadef4bc2dd44dULL;
  value ^= value >> 33;
  return value;
}

/// A 64-bit hash of a 128-bit value (NUMERIC): both halves take part.
inline uint64_t hashInt128(__int128 value) {
  auto low = static_cast<uint64_t>(value);
  auto high = static_cast<uint64_t>(static_cast<unsigned __int128>(value) >> 64);
  return hashInteger(low ^ hashInteger(high + 0x9e3779b97f4a7c15ULL));
}

/// A 64-bit hash of a byte string's content (8 bytes a step).
uint64_t hashBytes(const char* data, size_t length);

class HyperLogLog {
public:
  static constexpr int kPrecision = 12;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;

  HyperLogLog() { registers_.fill(0); }

  void add(uint64_t hash) {
    size_t index = hash >> (64 - kPrecision);
    // Position of the first one bit in the remaining 52 bits (53 when they are all zero).
    uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
    auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  /// Afterwards this sketch counts the union of both inputs.
  void merge(const HyperLogLog& other);
  /// Estimated number of distinct hashes added.
  double estimate() const;
  void clear() { registers_.fill(0); }

private:
  std::array<uint8_t, kRegisters> registers_;
};

} // namespace flern::storage

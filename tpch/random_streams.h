// dbgen's random number streams: Park & Miller's minimal standard generator, one stream per
// generated column, each advancing by a fixed number of draws per row so that any row's state
// can be reached directly (skip-ahead in O(log n)).
#pragma once

#include <array>
#include <cstdint>

namespace flern::tpch {

/// The tables of the TPC-H schema, in dbgen's order.
enum class Table { Part, PartSupp, Supplier, Customer, Orders, LineItem, Nation, Region };

inline constexpr int kStreamCount = 48;

/// The generator's next state: seed * 16807 mod (2^31 - 1), the modulo taken the Mersenne-prime
/// way (no division) since every seed drawn hangs on it.
inline int64_t nextSeed(int64_t seed) {
  constexpr int64_t kModulus = 2147483647;
  int64_t product = seed * 16807;
  int64_t reduced = (product & kModulus) + (product >> 31);
  return reduced >= kModulus ? reduced - kModulus : reduced;
}

/// dbgen's UnifInt over the state `seed` (already advanced): a value in [low, high].
inline int64_t uniformFromSeed(int64_t seed, int64_t low, int64_t high) {
  // dbgen computes the range 2^31 in 32-bit arithmetic, where it wraps to -2^31.
  double range =
      high == 2147483647 && low == 0 ? -2147483648.0 : static_cast<double>(high - low + 1);
  return low + static_cast<int64_t>((static_cast<double>(seed) / 2147483647.0) * range);
}

class RandomStreams {
public:
  /// Every stream at its initial seed.
  RandomStreams();

  /// A uniform integer in [low, high] from `stream`, exactly as dbgen draws it (including its
  /// 32-bit wrap-around of the range [0, 2^31 - 1]).
  int64_t uniform(int stream, int64_t low, int64_t high) {
    seeds_[stream] = nextSeed(seeds_[stream]);
    ++used_[stream];
    return uniformFromSeed(seeds_[stream], low, high);
  }
  /// Ends a row of `table` (and of the table generated with it): every stream of those tables
  /// skips to its per-row boundary.
  void finishRow(Table table);
  /// Moves every stream of `table` (and of its companion table) to the state at row `row`
  /// (1-based), as if rows 1 .. row-1 had been generated.
  void skipToRow(Table table, int64_t row);
  /// Skips `draws` values of one stream.
  void advance(int stream, int64_t draws);
  int64_t seed(int stream) const { return seeds_[stream]; }
  /// How far `stream` moves per row of its table, whatever the row drew.
  static int64_t drawsPerRow(int stream);

private:
  std::array<int64_t, kStreamCount> seeds_;
  std::array<int64_t, kStreamCount> used_;
};

/// The seed after `draws` further draws from `seed`.
int64_t skipAhead(int64_t seed, int64_t draws);

} // namespace flern::tpch

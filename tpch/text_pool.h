// dbgen's text pool: 300 MiB of pseudo-English built once from the grammar in dists.dss with
// the text stream; every comment column is a random slice of it.
#pragma once

#include "common/large_buffer.h"
#include "tpch/random_streams.h"

#include <string_view>

namespace flern::tpch {

class TextPool {
public:
  static constexpr int64_t kSize = 300 * 1024 * 1024;

  /// The pool, built on first use with every core (thread-safe).
  static const TextPool& get();
  /// The pool written by `threads` workers in `segments` pieces; equal to get() whatever the
  /// counts (one segment is one sequential walk).
  TextPool(int threads, int segments);

  /// A comment of length in [min, max] at a random offset, drawn from `stream` as dbgen's
  /// dbg_text draws it (two values per comment).
  std::string_view text(RandomStreams& random, int stream, int min, int max) const {
    int64_t offset = random.uniform(stream, 0, kSize - max);
    int64_t length = random.uniform(stream, min, max);
    return {buffer_.data() + offset, static_cast<size_t>(length)};
  }
  /// Asks the cache for the slices of `comments` comments drawn one after another from a
  /// stream at state `seed`, as text() will draw them: the slices sit at random offsets in
  /// 300 MiB, so a copy that is not prefetched waits on memory.
  void prefetch(int64_t seed, int comments, int min, int max) const {
    for (int i = 0; i < comments; ++i) {
      seed = nextSeed(seed);
      int64_t offset = uniformFromSeed(seed, 0, kSize - max);
      seed = nextSeed(seed);
      int64_t end = offset + uniformFromSeed(seed, min, max);
      for (int64_t line = offset & ~int64_t{63}; line < end; line += 64) {
        __builtin_prefetch(buffer_.data() + line);
        // GCC deems a function that only prefetches free of effects and deletes calls to it;
        // an empty volatile asm is an effect it must keep.
        asm volatile("" : : "r"(buffer_.data() + line));
      }
    }
  }
  /// The first `length` bytes.
  std::string_view prefix(size_t length) const { return {buffer_.data(), length}; }

private:
  LargeBuffer buffer_;
};

} // namespace flern::tpch

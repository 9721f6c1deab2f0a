// dbgen's text pool: 300 MiB of pseudo-English built once from the grammar in dists.dss with
// the text stream; every comment column is a random slice of it.
#pragma once

#include "tpch/random_streams.h"

#include <string>
#include <string_view>

namespace flern::tpch {

class TextPool {
public:
  static constexpr int64_t kSize = 300 * 1024 * 1024;

  /// The pool, built on first use (thread-safe).
  static const TextPool& get();
  /// A comment of length in [min, max] at a random offset, drawn from `stream` as dbgen's
  /// dbg_text draws it (two values per comment).
  std::string_view text(RandomStreams& random, int stream, int min, int max) const;
  /// The first `length` bytes, for tests.
  std::string_view prefix(size_t length) const { return std::string_view(pool_).substr(0, length); }

private:
  TextPool();
  std::string pool_;
};

} // namespace flern::tpch

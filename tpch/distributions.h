// The word lists and weights of dbgen's distributions file (dists.dss, embedded in the binary),
// and picking from them with a random stream.
#pragma once

#include "tpch/random_streams.h"

#include <string>
#include <string_view>
#include <vector>

namespace flern::tpch {

/// One named distribution: members with cumulative weights.
struct Distribution {
  std::vector<std::string> members;
  std::vector<int64_t> cumulativeWeights;
  /// Member index for every weight value 1..total: an O(1) pick (built when total is small).
  std::vector<uint16_t> memberByWeight;

  /// Index of a member chosen with `stream`, as dbgen's pick_str chooses it.
  size_t pick(RandomStreams& random, int stream) const;
  /// A random permutation of member indices, as dbgen's permute_dist builds it.
  std::vector<int> permutation(RandomStreams& random, int stream) const;
};

/// Every distribution dbgen reads, parsed once from the embedded dists.dss.
struct Distributions {
  Distribution containers, colors, types, nations, regions, priorities, instructions, modes,
      returnFlags, segments;
  Distribution nouns, verbs, adjectives, adverbs, auxiliaries, terminators, articles, prepositions,
      grammar, nounPhrases, verbPhrases;

  static const Distributions& get();
  /// Parses `name` from a dists.dss text.
  static Distribution parse(std::string_view text, std::string_view name);
};

} // namespace flern::tpch

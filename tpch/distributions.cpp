#include "tpch/distributions.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace flern::tpch {

extern const char* const kDistsDss; // generated from dists.dss

size_t Distribution::pick(RandomStreams& random, int stream) const {
  int64_t target = random.uniform(stream, 1, cumulativeWeights.back());
  if (!memberByWeight.empty()) return memberByWeight[static_cast<size_t>(target - 1)];
  size_t i = 0;
  while (cumulativeWeights[i] < target)
    ++i;
  return i;
}

std::vector<int> Distribution::permutation(RandomStreams& random, int stream) const {
  std::vector<int> order(members.size());
  int count = static_cast<int>(members.size());
  for (int i = 0; i < count; ++i)
    order[i] = i;
  for (int i = 0; i < count; ++i) {
    int64_t source = random.uniform(stream, i, count - 1);
    std::swap(order[source], order[i]);
  }
  return order;
}

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trimToken(std::string_view line, size_t& position) {
  while (position < line.size() && (line[position] == ' ' || line[position] == '\t'))
    ++position;
  size_t start = position;
  while (position < line.size() && line[position] != ' ' && line[position] != '\t')
    ++position;
  return line.substr(start, position - start);
}

} // namespace

Distribution Distributions::parse(std::string_view text, std::string_view name) {
  Distribution result;
  bool inside = false;
  int64_t total = 0;
  size_t declared = 0;
  size_t lineStart = 0;
  while (lineStart < text.size()) {
    size_t lineEnd = text.find('\n', lineStart);
    if (lineEnd == std::string_view::npos) lineEnd = text.size();
    std::string_view line = text.substr(lineStart, lineEnd - lineStart);
    lineStart = lineEnd + 1;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    if (line.empty()) continue;
    if (!inside) {
      size_t position = 0;
      if (equalsIgnoringCase(trimToken(line, position), "begin") &&
          equalsIgnoringCase(trimToken(line, position), name))
        inside = true;
      continue;
    }
    if (line.size() >= 3 && equalsIgnoringCase(line.substr(0, 3), "end")) break;
    auto bar = line.find('|');
    if (bar == std::string_view::npos || bar == 0) continue;
    std::string token(line.substr(0, bar));
    int64_t weight = std::strtoll(std::string(line.substr(bar + 1)).c_str(), nullptr, 10);
    if (equalsIgnoringCase(token, "count")) {
      declared = static_cast<size_t>(weight);
      continue;
    }
    total += weight;
    result.members.push_back(token);
    result.cumulativeWeights.push_back(total);
  }
  if (result.members.empty() || result.members.size() != declared)
    throw std::runtime_error("dists.dss: bad distribution " + std::string(name));
  int64_t weightTotal = result.cumulativeWeights.back();
  if (weightTotal > 0 && weightTotal <= (1 << 20) && result.members.size() < (1 << 16)) {
    for (size_t i = 0; i < result.members.size(); ++i) {
      int64_t from = i == 0 ? 0 : std::max<int64_t>(result.cumulativeWeights[i - 1], 0);
      for (int64_t w = from; w < result.cumulativeWeights[i]; ++w)
        if (static_cast<int64_t>(result.memberByWeight.size()) == w)
          result.memberByWeight.push_back(static_cast<uint16_t>(i));
    }
    if (static_cast<int64_t>(result.memberByWeight.size()) != weightTotal)
      result.memberByWeight.clear(); // weights that are not increasing: keep the linear search
  }
  return result;
}

const Distributions& Distributions::get() {
  static const Distributions distributions = [] {
    std::string_view text = kDistsDss;
    Distributions d;
    d.containers = parse(text, "p_cntr");
    d.colors = parse(text, "colors");
    d.types = parse(text, "p_types");
    d.nations = parse(text, "nations");
    d.regions = parse(text, "regions");
    d.priorities = parse(text, "o_oprio");
    d.instructions = parse(text, "instruct");
    d.modes = parse(text, "smode");
    d.returnFlags = parse(text, "rflag");
    d.segments = parse(text, "msegmnt");
    d.nouns = parse(text, "nouns");
    d.verbs = parse(text, "verbs");
    d.adjectives = parse(text, "adjectives");
    d.adverbs = parse(text, "adverbs");
    d.auxiliaries = parse(text, "auxillaries");
    d.terminators = parse(text, "terminators");
    d.articles = parse(text, "articles");
    d.prepositions = parse(text, "prepositions");
    d.grammar = parse(text, "grammar");
    d.nounPhrases = parse(text, "np");
    d.verbPhrases = parse(text, "vp");
    return d;
  }();
  return distributions;
}

} // namespace flern::tpch

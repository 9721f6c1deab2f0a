#include "tpch/text_pool.h"

#include "tpch/distributions.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flern::tpch {

namespace {

constexpr int kTextStream = 5;
constexpr size_t kWordSlot = 16;

/// A word list laid out for copying: member i in bytes [16i, 16i + 16), so a word is one
/// 16-byte move however long it is.
struct WordList {
  const Distribution* distribution = nullptr;
  std::vector<char> slots;
  std::vector<uint8_t> lengths;

  explicit WordList(const Distribution& d) : distribution(&d) {
    slots.assign(d.members.size() * kWordSlot, ' ');
    for (size_t i = 0; i < d.members.size(); ++i) {
      if (d.members[i].size() > kWordSlot)
        throw std::runtime_error("dists.dss: text word longer than 16 bytes: " + d.members[i]);
      std::memcpy(&slots[i * kWordSlot], d.members[i].data(), d.members[i].size());
      lengths.push_back(static_cast<uint8_t>(d.members[i].size()));
    }
  }
};

/// One part of speech of a phrase form: its word list, then punctuation (if any) and a space.
struct PhrasePart {
  const WordList* words;
  char tail[4];
  uint8_t tailLength;
};

/// The grammar of dists.dss compiled: sentence forms over phrases, phrase forms over parts of
/// speech. Building a sentence walks these lists instead of re-reading the form strings.
class Grammar {
public:
  Grammar()
      : d_(Distributions::get()), nouns_(d_.nouns), verbs_(d_.verbs), adjectives_(d_.adjectives),
        adverbs_(d_.adverbs), auxiliaries_(d_.auxiliaries), terminators_(d_.terminators),
        articles_(d_.articles), prepositions_(d_.prepositions) {
    nounPhrases_ = compilePhrases(d_.nounPhrases, true);
    verbPhrases_ = compilePhrases(d_.verbPhrases, false);
  }

  /// Writes one sentence (without the space that follows it in the pool) to `out`, which has
  /// room for kMaxSentence bytes, and returns its length; with kWrite false only the length is
  /// worked out (the draws are the same).
  template <bool kWrite> size_t sentence(int64_t& seed, char* out) const {
    char* cursor = out;
    const std::string& form = d_.grammar.members[pick(d_.grammar, seed)];
    for (char part : form) {
      switch (part) {
      case 'V':
        cursor = phrase<kWrite>(verbPhrases_, d_.verbPhrases, seed, cursor);
        break;
      case 'N':
        cursor = phrase<kWrite>(nounPhrases_, d_.nounPhrases, seed, cursor);
        break;
      case 'P':
        cursor = word<kWrite>(prepositions_, seed, cursor);
        if constexpr (kWrite) std::memcpy(cursor, " the ", 5);
        cursor += 5;
        cursor = phrase<kWrite>(nounPhrases_, d_.nounPhrases, seed, cursor);
        break;
      case 'T':
        cursor =
            word<kWrite>(terminators_, seed, cursor - 1); // the terminator replaces the last space
        break;
      default:
        break;
      }
    }
    return static_cast<size_t>(cursor - out);
  }

  /// Sentences have at most 5 phrases of at most 4 parts of at most 16 + 4 bytes.
  static constexpr size_t kMaxSentence = 1024;

private:
  static size_t pick(const Distribution& d, int64_t& seed) {
    seed = nextSeed(seed);
    int64_t target = uniformFromSeed(seed, 1, d.cumulativeWeights.back());
    if (!d.memberByWeight.empty()) return d.memberByWeight[static_cast<size_t>(target - 1)];
    size_t i = 0;
    while (d.cumulativeWeights[i] < target)
      ++i;
    return i;
  }

  template <bool kWrite> static char* word(const WordList& words, int64_t& seed, char* cursor) {
    size_t index = pick(*words.distribution, seed);
    if constexpr (kWrite) std::memcpy(cursor, &words.slots[index * kWordSlot], kWordSlot);
    return cursor + words.lengths[index];
  }

  template <bool kWrite>
  static char* phrase(const std::vector<std::vector<PhrasePart>>& forms, const Distribution& d,
                      int64_t& seed, char* cursor) {
    for (const PhrasePart& part : forms[pick(d, seed)]) {
      cursor = word<kWrite>(*part.words, seed, cursor);
      if constexpr (kWrite) std::memcpy(cursor, part.tail, sizeof part.tail);
      cursor += part.tailLength;
    }
    return cursor;
  }

  std::vector<std::vector<PhrasePart>> compilePhrases(const Distribution& forms, bool noun) const {
    std::vector<std::vector<PhrasePart>> compiled;
    for (const std::string& form : forms.members) {
      std::vector<PhrasePart> parts;
      size_t position = 0;
      while (position < form.size()) {
        while (position < form.size() && form[position] == ' ')
          ++position;
        if (position >= form.size()) break;
        size_t end = std::min(form.find(' ', position), form.size());
        char kind = form[position];
        PhrasePart part{};
        if (noun)
          part.words = kind == 'A'   ? &articles_
                       : kind == 'J' ? &adjectives_
                       : kind == 'D' ? &adverbs_
                                     : &nouns_;
        else
          part.words = kind == 'D' ? &adverbs_ : kind == 'X' ? &auxiliaries_ : &verbs_;
        size_t punctuation = end - position - 1;
        if (punctuation + 1 > sizeof part.tail)
          throw std::runtime_error("dists.dss: phrase form too long: " + form);
        std::memcpy(part.tail, form.data() + position + 1, punctuation);
        part.tail[punctuation] = ' ';
        part.tailLength = static_cast<uint8_t>(punctuation + 1);
        parts.push_back(part);
        position = end;
      }
      compiled.push_back(std::move(parts));
    }
    return compiled;
  }

  const Distributions& d_;
  WordList nouns_, verbs_, adjectives_, adverbs_, auxiliaries_, terminators_, articles_,
      prepositions_;
  std::vector<std::vector<PhrasePart>> nounPhrases_, verbPhrases_;
};

/// Where a run of sentences starts: the text stream's state and the pool offset.
struct Checkpoint {
  int64_t seed;
  int64_t offset;
};

/// Writes the sentences from `from` on into [from.offset, end) of `pool`; the pool is its
/// sentences, each followed by a space, cut at kSize.
void fill(const Grammar& grammar, Checkpoint from, int64_t end, char* pool) {
  char sentence[Grammar::kMaxSentence + 64];
  int64_t seed = from.seed;
  int64_t offset = from.offset;
  while (offset < end) {
    size_t length = grammar.sentence<true>(seed, sentence);
    sentence[length++] = ' ';
    size_t take = std::min<size_t>(length, static_cast<size_t>(end - offset));
    std::memcpy(pool + offset, sentence, take);
    offset += static_cast<int64_t>(take);
  }
}

} // namespace

TextPool::TextPool(int threads, int segments) : buffer_(kSize) {
  // The text stream is one sequential chain of draws, so where each sentence lands is known only
  // by walking the grammar from the start. One sizing walk (draws and lengths, no text) marks
  // checkpoints at sentence starts; the workers then write the text between checkpoints in
  // parallel.
  static const Grammar grammar;
  std::vector<Checkpoint> checkpoints;
  char scratch[Grammar::kMaxSentence + 64];
  int64_t seed = RandomStreams().seed(kTextStream);
  int64_t offset = 0;
  while (offset < kSize) {
    if (offset >= static_cast<int64_t>(checkpoints.size()) * (kSize / segments))
      checkpoints.push_back({seed, offset});
    offset += static_cast<int64_t>(grammar.sentence<false>(seed, scratch)) + 1;
  }
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < checkpoints.size(); i = next++)
      fill(grammar, checkpoints[i], i + 1 < checkpoints.size() ? checkpoints[i + 1].offset : kSize,
           buffer_.data());
  };
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i)
    workers.emplace_back(worker);
  worker();
  for (auto& w : workers)
    w.join();
}

const TextPool& TextPool::get() {
  static const TextPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
                             64);
  return pool;
}

} // namespace flern::tpch

#include "tpch/text_pool.h"

#include "tpch/distributions.h"

namespace flern::tpch {

namespace {

constexpr int kTextStream = 5;

/// Appends a member of `d` picked with the text stream; returns its length.
size_t appendPick(std::string& out, const Distribution& d, RandomStreams& random) {
  const std::string& word = d.members[d.pick(random, kTextStream)];
  out += word;
  return word.size();
}

/// A noun or verb phrase: its form's parts of speech, each followed by its punctuation (if any)
/// and a space.
void appendPhrase(std::string& out, const Distribution& forms, RandomStreams& random, bool noun) {
  const Distributions& d = Distributions::get();
  const std::string& form = forms.members[forms.pick(random, kTextStream)];
  size_t position = 0;
  while (position < form.size()) {
    while (position < form.size() && form[position] == ' ')
      ++position;
    if (position >= form.size()) break;
    size_t end = form.find(' ', position);
    if (end == std::string::npos) end = form.size();
    char part = form[position];
    const Distribution* source = nullptr;
    if (noun)
      source = part == 'A'   ? &d.articles
               : part == 'J' ? &d.adjectives
               : part == 'D' ? &d.adverbs
                             : &d.nouns;
    else
      source = part == 'D' ? &d.adverbs : part == 'X' ? &d.auxiliaries : &d.verbs;
    appendPick(out, *source, random);
    if (position + 1 < end) out += form.substr(position + 1, end - position - 1);
    out += ' ';
    position = end;
  }
}

/// One sentence: the grammar's phrases; the terminator replaces the last space.
void appendSentence(std::string& out, RandomStreams& random) {
  const Distributions& d = Distributions::get();
  const std::string& form = d.grammar.members[d.grammar.pick(random, kTextStream)];
  for (char part : form) {
    switch (part) {
    case 'V':
      appendPhrase(out, d.verbPhrases, random, false);
      break;
    case 'N':
      appendPhrase(out, d.nounPhrases, random, true);
      break;
    case 'P':
      appendPick(out, d.prepositions, random);
      out += " the ";
      appendPhrase(out, d.nounPhrases, random, true);
      break;
    case 'T':
      out.pop_back();
      appendPick(out, d.terminators, random);
      break;
    default:
      break;
    }
  }
}

} // namespace

TextPool::TextPool() {
  RandomStreams random;
  pool_.reserve(kSize + 512);
  std::string sentence;
  while (static_cast<int64_t>(pool_.size()) < kSize) {
    sentence.clear();
    appendSentence(sentence, random);
    int64_t needed = kSize - static_cast<int64_t>(pool_.size());
    if (needed >= static_cast<int64_t>(sentence.size()) + 1) {
      pool_ += sentence;
      pool_ += ' ';
    } else {
      pool_.append(sentence, 0, static_cast<size_t>(needed));
    }
  }
}

const TextPool& TextPool::get() {
  static const TextPool pool;
  return pool;
}

std::string_view TextPool::text(RandomStreams& random, int stream, int min, int max) const {
  int64_t offset = random.uniform(stream, 0, kSize - max);
  int64_t length = random.uniform(stream, min, max);
  return std::string_view(pool_).substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

} // namespace flern::tpch

// Regular expressions on PCRE2, set up like PostgreSQL's advanced regular expressions for the
// common syntax: UTF-8 characters, '.' matching newlines and '$' only at the very end (PG's
// default is not newline-sensitive). Known differences: PCRE's alternation takes the first
// alternative that matches where PostgreSQL takes the longest, and PostgreSQL-only escapes
// (\m, \M, \y, [[:<:]]) are not understood.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ir/runtime/regex.h"

#include "ir/runtime/string_functions.h"

#include <pcre2.h>

#include <algorithm>
#include <cstring>

namespace flern::ir {

namespace {

constexpr uint32_t kBaseOptions = PCRE2_UTF | PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY;

pcre2_code* asCode(void* code) {
  return static_cast<pcre2_code*>(code);
}
pcre2_match_data* asMatchData(void* data) {
  return static_cast<pcre2_match_data*>(data);
}

/// regexp_replace's flag string: PCRE2 options, whether every match is replaced ('g') and
/// whether matching is newline-sensitive ('n', 'm').
uint32_t parseFlags(QueryContext* context, std::string_view flags, bool& global,
                    bool& newlineSensitive) {
  uint32_t options = 0;
  global = newlineSensitive = false;
  for (char flag : flags) {
    switch (flag) {
    case 'g':
      global = true;
      break;
    case 'i':
      options |= PCRE2_CASELESS;
      break;
    case 'c':
      options &= ~PCRE2_CASELESS;
      break;
    case 'n':
    case 'm':
      newlineSensitive = true;
      break;
    case 's':
      newlineSensitive = false;
      break;
    case 'x':
      options |= PCRE2_EXTENDED;
      break;
    case 't':
      options &= ~PCRE2_EXTENDED;
      break;
    default: {
      char message[64];
      std::snprintf(message, sizeof message, "invalid regular expression option: \"%c\"", flag);
      raiseFromRuntime(context, SqlState::InvalidParameterValue, message);
    }
    }
  }
  return options;
}

/// Runs the cached pattern over `subject` from byte `start`; the match count (<= 0: none).
int match(QueryContext* context, RegexCache& cache, std::string_view subject, size_t start) {
  int result = pcre2_match(asCode(cache.code()), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                           subject.size(), start, 0, asMatchData(cache.matchData()), nullptr);
  if (result < PCRE2_ERROR_NOMATCH) {
    // Resource limits (backtracking) rather than a bad pattern: PostgreSQL's nearest error.
    raiseFromRuntime(context, SqlState::InvalidRegularExpression,
                     "invalid regular expression: regular expression is too complex");
  }
  return result;
}

} // namespace

RegexCache::~RegexCache() {
  pcre2_match_data_free(asMatchData(matchData_));
  pcre2_code_free(asCode(code_));
}

void* RegexCache::compile(QueryContext* context, std::string_view pattern, uint32_t options,
                          bool newlineSensitive) {
  if (flags_ & kRegexCaseInsensitive) options |= PCRE2_CASELESS;
  options |= kBaseOptions;
  if (newlineSensitive)
    options = (options & ~(PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY)) | PCRE2_MULTILINE;
  if (code_ && options == options_ && pattern == pattern_) return code_;
  pcre2_match_data_free(asMatchData(matchData_));
  pcre2_code_free(asCode(code_));
  matchData_ = nullptr;
  int errorCode = 0;
  PCRE2_SIZE errorOffset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                        &errorCode, &errorOffset, nullptr);
  if (!code_) {
    pattern_.clear();
    char message[300] = "invalid regular expression: ";
    size_t used = std::strlen(message);
    pcre2_get_error_message(errorCode, reinterpret_cast<PCRE2_UCHAR*>(message + used),
                            sizeof message - used);
    raiseFromRuntime(context, SqlState::InvalidRegularExpression, message);
  }
  matchData_ = pcre2_match_data_create_from_pattern(asCode(code_), nullptr);
  pattern_.assign(pattern);
  options_ = options;
  return code_;
}

} // namespace flern::ir

using flern::ir::RegexCache;

extern "C" {

int32_t flern_rt_regex_match(QueryContext* context, RegexCache* cache, StringRef s,
                             StringRef pattern) {
  cache->compile(context, pattern.view(), 0, false);
  return flern::ir::match(context, *cache, s.view(), 0) > 0;
}

/// regexp_replace(s, pattern, replacement [, flags]): \1..\9 in the replacement insert groups,
/// \& the whole match, \\ a backslash. Only the first match is replaced unless flags has 'g'.
StringRef flern_rt_regexp_replace(QueryContext* context, RegexCache* cache, StringRef s,
                                  StringRef pattern, StringRef replacement, StringRef flags) {
  bool global = false, newlineSensitive = false;
  uint32_t options = flern::ir::parseFlags(context, flags.view(), global, newlineSensitive);
  cache->compile(context, pattern.view(), options, newlineSensitive);
  std::string_view text = s.view(), with = replacement.view();
  // Two passes: measure, then write into arena memory, so that nothing owning memory is alive
  // if the query stops (a too-long result, the memory limit).
  int64_t bytes = 0;
  char* out = nullptr;
  for (int pass = 0; pass < 2; ++pass) {
    size_t position = 0, copied = 0;
    int64_t written = 0;
    auto emit = [&](std::string_view part) {
      if (out) std::memcpy(out + written, part.data(), part.size());
      written += static_cast<int64_t>(part.size());
    };
    while (position <= text.size()) {
      int groups = flern::ir::match(context, *cache, text, position);
      if (groups <= 0) break;
      PCRE2_SIZE* vector = pcre2_get_ovector_pointer(flern::ir::asMatchData(cache->matchData()));
      size_t begin = vector[0], end = vector[1];
      emit(text.substr(copied, begin - copied));
      for (size_t i = 0; i < with.size(); ++i) {
        if (with[i] != '\\' || i + 1 == with.size()) {
          emit(with.substr(i, 1));
          continue;
        }
        char next = with[++i];
        int group = next == '&' ? 0 : next >= '1' && next <= '9' ? next - '0' : -1;
        if (group < 0) {
          emit(next == '\\' ? std::string_view("\\") : with.substr(i - 1, 2));
        } else if (group < groups && vector[2 * group] != PCRE2_UNSET) {
          emit(text.substr(vector[2 * group], vector[2 * group + 1] - vector[2 * group]));
        }
      }
      copied = end;
      if (!global) break;
      if (end == begin) { // an empty match: step over one character
        if (end >= text.size()) break;
        position = end + 1;
        while (position < text.size() &&
               (static_cast<unsigned char>(text[position]) & 0xC0) == 0x80)
          ++position;
        continue;
      }
      position = end;
    }
    emit(text.substr(std::min(copied, text.size())));
    if (pass == 0) {
      bytes = written;
      if (bytes > 0x3fffffff)
        flern::ir::raiseFromRuntime(context, flern::SqlState::ProgramLimitExceeded,
                                    "requested length too large");
      out = context->arena.allocate(static_cast<size_t>(bytes) + 1);
    }
  }
  return flern::makeStringRef(std::string_view(out, static_cast<size_t>(bytes)));
}

/// substring(s from pattern): the part matched by the first parenthesized group, or the whole
/// match when the pattern has none; 0 (NULL) when nothing matches.
int32_t flern_rt_regex_substring(QueryContext* context, RegexCache* cache, StringRef s,
                                 StringRef pattern, StringRef* out) {
  cache->compile(context, pattern.view(), 0, false);
  std::string_view text = s.view();
  int groups = flern::ir::match(context, *cache, text, 0);
  if (groups <= 0) return 0;
  PCRE2_SIZE* vector = pcre2_get_ovector_pointer(flern::ir::asMatchData(cache->matchData()));
  uint32_t captures = 0;
  pcre2_pattern_info(flern::ir::asCode(cache->code()), PCRE2_INFO_CAPTURECOUNT, &captures);
  int group = captures > 0 ? 1 : 0;
  if (group >= groups || vector[2 * group] == PCRE2_UNSET) return 0;
  std::string_view part = text.substr(vector[2 * group], vector[2 * group + 1] - vector[2 * group]);
  *out = flern::ir::arenaStringRef(context, part);
  return 1;
}

} // extern "C"

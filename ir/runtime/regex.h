// Regular expressions for ~, ~*, !~, !~*, regexp_replace and substring(... from pattern), with
// PCRE2 configured for PostgreSQL's defaults ('.' matches newlines, '$' only at the end).
#pragma once

#include "common/types.h"
#include "ir/runtime/query_context.h"

#include <string>

namespace flern::ir {

inline constexpr int kRegexCaseInsensitive = 1;

/// One call site's compiled pattern: recompiled only when the pattern text or the options
/// change, so a constant pattern is compiled once per query.
class RegexCache {
public:
  explicit RegexCache(int flags) : flags_(flags) {}
  ~RegexCache();
  RegexCache(const RegexCache&) = delete;
  RegexCache& operator=(const RegexCache&) = delete;

  /// The compiled `pattern` with PCRE2 `options` (plus kRegexCaseInsensitive from the call
  /// site); raises 2201B through `context` when it does not compile.
  void* compile(QueryContext* context, std::string_view pattern, uint32_t options,
                bool newlineSensitive);
  /// The pattern compiled last.
  void* code() const { return code_; }
  /// Match data sized for the current pattern.
  void* matchData() const { return matchData_; }
  int flags() const { return flags_; }

private:
  int flags_;
  std::string pattern_;
  uint32_t options_ = 0;
  void* code_ = nullptr;
  void* matchData_ = nullptr;
};

} // namespace flern::ir

extern "C" {
int32_t flern_rt_regex_match(flern::ir::QueryContext* context, flern::ir::RegexCache* cache,
                             flern::StringRef s, flern::StringRef pattern);
flern::StringRef flern_rt_regexp_replace(flern::ir::QueryContext* context,
                                         flern::ir::RegexCache* cache, flern::StringRef s,
                                         flern::StringRef pattern, flern::StringRef replacement,
                                         flern::StringRef flags);
int32_t flern_rt_regex_substring(flern::ir::QueryContext* context, flern::ir::RegexCache* cache,
                                 flern::StringRef s, flern::StringRef pattern,
                                 flern::StringRef* out);
}

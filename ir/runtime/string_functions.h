// Runtime side of the string builtins that generated code calls. Lengths and positions count
// UTF-8 characters, as PostgreSQL does in a UTF8 database. Results that are pieces of an input
// point into that input; new strings are allocated in the query's arena, which lives as long
// as the query's result.
#pragma once

#include "common/types.h"
#include "ir/runtime/query_context.h"

#include <string_view>

namespace flern::ir {

/// Stops the running query with `state` and `message` (longjmp; nothing of the caller's with a
/// destructor may be alive).
[[noreturn]] void raiseFromRuntime(QueryContext* context, SqlState state, const char* message);
/// `text` as a StringRef whose bytes live in the query's arena (short strings inline).
StringRef arenaStringRef(QueryContext* context, std::string_view text);

} // namespace flern::ir

extern "C" {
using flern::StringRef;
using flern::ir::QueryContext;
int64_t flern_rt_str_octet_length(StringRef s);
/// upper / lower with the C.UTF-8 locale's case mapping (what PostgreSQL uses in a database
/// created with --locale=C.UTF-8): é -> É, not only ASCII.
StringRef flern_rt_str_upper(QueryContext* context, StringRef s);
StringRef flern_rt_str_lower(QueryContext* context, StringRef s);
/// upper / lower under COLLATE "C": ASCII letters only.
StringRef flern_rt_str_ascii_upper(QueryContext* context, StringRef s);
StringRef flern_rt_str_ascii_lower(QueryContext* context, StringRef s);
StringRef flern_rt_str_substring(QueryContext* context, StringRef s, int64_t start, int64_t count,
                                 int32_t hasCount);
int64_t flern_rt_str_position(StringRef s, StringRef needle);
int32_t flern_rt_str_starts_with(StringRef s, StringRef prefix);
StringRef flern_rt_str_btrim(StringRef s, StringRef characters);
StringRef flern_rt_str_ltrim(StringRef s, StringRef characters);
StringRef flern_rt_str_rtrim(StringRef s, StringRef characters);
StringRef flern_rt_str_replace(QueryContext* context, StringRef s, StringRef from, StringRef to);
StringRef flern_rt_str_split_part(QueryContext* context, StringRef s, StringRef delimiter,
                                  int64_t field);
StringRef flern_rt_str_left(StringRef s, int64_t n);
StringRef flern_rt_str_right(StringRef s, int64_t n);
StringRef flern_rt_str_lpad(QueryContext* context, StringRef s, int64_t length, StringRef fill);
StringRef flern_rt_str_rpad(QueryContext* context, StringRef s, int64_t length, StringRef fill);
StringRef flern_rt_str_reverse(QueryContext* context, StringRef s);
StringRef flern_rt_str_repeat(QueryContext* context, StringRef s, int64_t count);
}

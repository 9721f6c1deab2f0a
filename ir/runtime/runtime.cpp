// The C ABI that generated code calls. Every function here is listed in runtimeSymbols().
//
// Errors leave generated code through longjmp to the executor. Before jumping, a function must
// have destroyed every object it owns (messages are built in an inner scope for that reason).
#include "common/types.h"
#include "common/value_input.h"
#include "ir/runtime/aggregate_functions.h"
#include "ir/runtime/math_functions.h"
#include "ir/runtime/numeric_arith.h"
#include "ir/runtime/query_context.h"
#include "ir/runtime/regex.h"
#include "ir/runtime/string_functions.h"
#include "storage/table.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

namespace flern::ir {

namespace {

std::atomic<int64_t> chargedTotal{0};
std::atomic<int64_t> memoryLimit{INT64_MAX};
thread_local QueryContext* currentQuery = nullptr;

} // namespace

QueryContext::~QueryContext() {
  chargedTotal -= memoryCharged;
}

void setQueryMemoryLimit(int64_t bytes) {
  memoryLimit = bytes;
}

void setCurrentQuery(QueryContext* context) {
  currentQuery = context;
}

void chargeQueryMemory(int64_t bytes) {
  QueryContext* context = currentQuery;
  if (!context) return;
  context->memoryCharged += bytes;
  if (chargedTotal.fetch_add(bytes) + bytes <= memoryLimit) return;
  {
    Error error(SqlState::OutOfMemory, "out of memory");
    error.withDetail("Queries hold more than the server's query memory limit of " +
                     std::to_string(memoryLimit / (1024 * 1024)) + " MB.");
    context->error.emplace(std::move(error));
  }
  std::longjmp(*context->errorJump, 1);
}

void releaseQueryMemory(int64_t bytes) {
  QueryContext* context = currentQuery;
  if (!context || bytes <= 0) return;
  context->memoryCharged -= bytes;
  chargedTotal -= bytes;
}

Arena::~Arena() {
  releaseQueryMemory(charged_);
}

char* Arena::allocate(size_t bytes) {
  bytes = (bytes + 15) & ~size_t(15);
  if (used_ + bytes > capacity_) {
    capacity_ = std::max<size_t>(bytes, 1 << 20);
    chargeQueryMemory(static_cast<int64_t>(capacity_));
    charged_ += static_cast<int64_t>(capacity_);
    blocks_.push_back(std::make_unique<char[]>(capacity_));
    used_ = 0;
  }
  char* result = blocks_.back().get() + used_;
  used_ += bytes;
  return result;
}

HashTable::HashTable(int64_t payloadBytes) : payloadBytes_((payloadBytes + 15) & ~int64_t(15)) {
  mask = 1023;
  directory = new char*[mask + 1]();
}

HashTable::~HashTable() {
  delete[] directory;
  releaseQueryMemory(directoryCharged_);
}

char* HashTable::insert(uint64_t hash) {
  if (entries_.size() > mask) grow();
  char* header = arena_.allocate(16 + payloadBytes_);
  std::memset(header, 0, 16 + payloadBytes_);
  char* payload = header + 16;
  reinterpret_cast<uint64_t*>(header)[1] = hash;
  char*& head = directory[hash & mask];
  reinterpret_cast<char**>(header)[0] = head;
  head = payload;
  entries_.push_back(payload);
  return payload;
}

void HashTable::grow() {
  chargeQueryMemory(static_cast<int64_t>((mask + 1) * 2 * sizeof(char*)));
  directoryCharged_ += static_cast<int64_t>((mask + 1) * 2 * sizeof(char*));
  delete[] directory;
  mask = mask * 2 + 1;
  directory = new char*[mask + 1]();
  for (char* payload : entries_) {
    uint64_t hash = reinterpret_cast<uint64_t*>(payload - 16)[1];
    char*& head = directory[hash & mask];
    reinterpret_cast<char**>(payload - 16)[0] = head;
    head = payload;
  }
}

char* SortBuffer::append() {
  char* row = arena_.allocate(rowBytes_);
  rows_.push_back(row);
  return row;
}

void SortBuffer::sort(int32_t (*compare)(const char*, const char*)) {
  std::stable_sort(rows_.begin(), rows_.end(),
                   [compare](const char* a, const char* b) { return compare(a, b) < 0; });
}

namespace {

[[noreturn]] void raise(QueryContext* context, SqlState state, const char* message) {
  context->error.emplace(state, std::string(message));
  std::longjmp(*context->errorJump, 1);
}

/// Text input for run-time casts; an input error leaves generated code like any other error.
InputValue parseOrRaise(QueryContext* context, StringRef text, const SqlType& type) {
  try {
    return parseInput(text.view(), type);
  } catch (Error& error) {
    context->error.emplace(std::move(error));
  }
  // Nothing with a destructor is alive here: the exception is gone, the result was never built.
  std::longjmp(*context->errorJump, 1);
}

StringRef arenaString(QueryContext* context, std::string_view text) {
  if (text.size() <= StringRef::kInlineLimit) return makeStringRef(text);
  char* copy = context->arena.allocate(text.size());
  std::memcpy(copy, text.data(), text.size());
  return makeStringRef(std::string_view(copy, text.size()));
}

bool likeMatch(const char* s, const char* sEnd, const char* p, const char* pEnd) {
  while (p < pEnd) {
    if (*p == '%') {
      while (p < pEnd && *p == '%')
        ++p;
      if (p == pEnd) return true;
      for (const char* t = s; t <= sEnd; ++t)
        if (likeMatch(t, sEnd, p, pEnd)) return true;
      return false;
    }
    if (s == sEnd) return false;
    if (*p == '_') {
      // '_' matches one character: skip a whole UTF-8 sequence.
      ++s;
      while (s < sEnd && (static_cast<unsigned char>(*s) & 0xC0) == 0x80)
        ++s;
      ++p;
      continue;
    }
    if (*p == '\\' && p + 1 < pEnd) ++p;
    if (*s != *p) return false;
    ++s;
    ++p;
  }
  return s == sEnd;
}

} // namespace
} // namespace flern::ir

using flern::StringRef;
using flern::ir::QueryContext;
namespace st = flern::storage;

extern "C" {

int64_t flern_rt_buffer_chunk_count(st::ColumnarBuffer* buffer) {
  return static_cast<int64_t>(buffer->chunks().size());
}
int64_t flern_rt_buffer_chunk_rows(st::ColumnarBuffer* buffer, int64_t chunk) {
  return buffer->chunks()[chunk]->rows;
}
void** flern_rt_buffer_chunk_columns(st::ColumnarBuffer* buffer, int64_t chunk) {
  return buffer->chunks()[chunk]->pointers.data();
}
/// The chunk's zone maps, or null when they do not describe its current rows.
const st::ZoneMap* flern_rt_buffer_chunk_zones(st::ColumnarBuffer* buffer, int64_t chunk) {
  const st::Chunk& data = *buffer->chunks()[chunk];
  return data.zonesCurrent() ? data.zones.data() : nullptr;
}
void flern_rt_note_chunk_skipped(QueryContext* context) {
  ++context->chunksSkipped;
}
void** flern_rt_buffer_append_row(st::ColumnarBuffer* buffer, int64_t* rowInChunk) {
  size_t chunks = buffer->chunks().size();
  st::Chunk& chunk = buffer->reserveRow(*rowInChunk);
  if (buffer->chunks().size() != chunks) {
    // A new chunk, charged once allocated: until rows are written it is mostly address space.
    int64_t rowBytes = 0;
    for (const auto& type : buffer->types())
      rowBytes += type.byteWidth() + 1;
    flern::ir::chargeQueryMemory(rowBytes * chunk.capacity);
  }
  return chunk.pointers.data();
}

int64_t flern_rt_buffer_row_count(st::ColumnarBuffer* buffer) {
  return buffer->rowCount();
}
/// WITH RECURSIVE's step: the rows of `next` become the working table's, and `next` is emptied
/// for the following iteration. The largest chunk stays allocated for it, so that a long
/// recursion does not charge a new chunk per iteration.
void flern_rt_buffer_advance(st::ColumnarBuffer* working, st::ColumnarBuffer* next) {
  std::swap(working->chunks(), next->chunks());
  auto& chunks = next->chunks();
  if (chunks.empty()) return;
  std::unique_ptr<st::Chunk> kept = std::move(chunks.back());
  chunks.clear();
  kept->rows = 0;
  kept->zoneRows = -1;
  chunks.push_back(std::move(kept));
}
/// Replaces the run-time state behind each listed slot with a fresh object from its factory,
/// so that hash tables and buffers built in one iteration of a recursive term start empty in
/// the next (generated code reloads those slots: see Builder::slot).
void flern_rt_recreate_states(QueryContext* context, const std::vector<int64_t>* slots) {
  for (int64_t slot : *slots)
    context->recreateState(slot);
}

int32_t flern_rt_str_eq(StringRef a, StringRef b) {
  return a.length == b.length && std::memcmp(a.data(), b.data(), a.length) == 0;
}
int32_t flern_rt_str_cmp(StringRef a, StringRef b) {
  int result = std::memcmp(a.data(), b.data(), std::min(a.length, b.length));
  if (result != 0) return result < 0 ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
uint64_t flern_rt_str_hash(StringRef s) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  const char* data = s.data();
  for (uint32_t i = 0; i < s.length; ++i)
    hash = (hash ^ static_cast<unsigned char>(data[i])) * 0x100000001b3ULL;
  return hash;
}
StringRef flern_rt_rtrim(StringRef s) {
  return flern::makeStringRef(flern::trimTrailingBlanks(s.view()));
}
int32_t flern_rt_bpchar_cmp(StringRef a, StringRef b) {
  return flern_rt_str_cmp(flern_rt_rtrim(a), flern_rt_rtrim(b));
}
uint64_t flern_rt_bpchar_hash(StringRef s) {
  return flern_rt_str_hash(flern_rt_rtrim(s));
}
/// Converts to CHAR(length): pads with blanks; too long raises 22001 unless the cast is explicit.
StringRef flern_rt_to_char(QueryContext* context, StringRef s, int64_t length,
                           int32_t explicitCast) {
  auto padded = flern::toCharacter(s.view(), static_cast<int>(length), explicitCast != 0);
  if (!padded) {
    {
      std::string message = "value too long for type character(" + std::to_string(length) + ")";
      context->error.emplace(flern::SqlState::StringDataRightTruncation, std::move(message));
    }
    std::longjmp(*context->errorJump, 1);
  }
  if (padded->size() == s.length) return s;
  return flern::ir::arenaString(context, *padded);
}
int32_t flern_rt_like(StringRef s, StringRef pattern) {
  return flern::ir::likeMatch(s.data(), s.data() + s.length, pattern.data(),
                              pattern.data() + pattern.length);
}
int64_t flern_rt_str_length(StringRef s) {
  int64_t count = 0;
  const char* data = s.data();
  for (uint32_t i = 0; i < s.length; ++i)
    count += (static_cast<unsigned char>(data[i]) & 0xC0) != 0x80;
  return count;
}
StringRef flern_rt_str_concat(QueryContext* context, StringRef a, StringRef b) {
  char* copy = context->arena.allocate(a.length + b.length + 1);
  std::memcpy(copy, a.data(), a.length);
  std::memcpy(copy + a.length, b.data(), b.length);
  return flern::makeStringRef(std::string_view(copy, a.length + b.length));
}
/// Enforces VARCHAR(n) on assignment (22001) as PostgreSQL does, counting characters.
void flern_rt_check_varchar(QueryContext* context, StringRef s, int64_t limit) {
  if (flern_rt_str_length(s) > limit) {
    {
      std::string message =
          "value too long for type character varying(" + std::to_string(limit) + ")";
      context->error.emplace(flern::SqlState::StringDataRightTruncation, std::move(message));
    }
    std::longjmp(*context->errorJump, 1);
  }
}
/// Explicit casts to VARCHAR(n) truncate silently.
StringRef flern_rt_truncate_varchar(StringRef s, int64_t limit) {
  if (flern_rt_str_length(s) <= limit) return s;
  const char* data = s.data();
  uint32_t bytes = 0;
  int64_t chars = 0;
  while (bytes < s.length) {
    if ((static_cast<unsigned char>(data[bytes]) & 0xC0) != 0x80 && chars++ == limit) break;
    ++bytes;
  }
  return flern::makeStringRef(std::string_view(data, bytes));
}

/// Unpacks a value of kDynamicScale; leaves static-scale values alone.
static void unpackNumeric(__int128& value, int32_t& scale) {
  if (scale == flern::kDynamicScale) {
    scale = flern::packedScale(value);
    value = flern::packedDigits(value);
  }
}
/// Hash of a packed per-value-scale numeric that equal values share (trailing zeros dropped).
uint64_t flern_rt_numeric_hash(__int128 value) {
  int32_t scale = flern::kDynamicScale;
  unpackNumeric(value, scale);
  while (scale > 0 && value % 10 == 0) {
    value /= 10;
    --scale;
  }
  return static_cast<uint64_t>(value) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(value >> 64) ^
         static_cast<uint64_t>(scale);
}
int32_t flern_rt_numeric_cmp(__int128 a, int32_t scaleA, __int128 b, int32_t scaleB) {
  unpackNumeric(a, scaleA);
  unpackNumeric(b, scaleB);
  int scale = std::max(scaleA, scaleB);
  a = flern::rescaleNumeric(a, scaleA, scale);
  b = flern::rescaleNumeric(b, scaleB, scale);
  return a < b ? -1 : a > b ? 1 : 0;
}
double flern_rt_numeric_to_f64(__int128 value, int32_t scale) {
  unpackNumeric(value, scale);
  // When digits and 10^scale are both exact doubles, one IEEE division is correctly rounded:
  // the same double that PostgreSQL's text round trip (and strtod below) gives, without it.
  constexpr __int128 kExact = __int128(1) << 53;
  if (scale >= 0 && scale <= 22 && value <= kExact && value >= -kExact) {
    static const double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(static_cast<int64_t>(value)) / kPowers[scale];
  }
  return std::strtod(flern::formatNumeric(value, scale).c_str(), nullptr);
}
__int128 flern_rt_f64_to_numeric(QueryContext* context, double value, int32_t scale) {
  return flern::ir::floatToNumeric(context, value, 15, scale); // DBL_DIG, as PostgreSQL
}
void flern_rt_check_numeric_precision(QueryContext* context, __int128 value, int32_t precision,
                                      int32_t scale) {
  if (flern::integerDigits(value, scale) > precision - scale)
    flern::ir::raise(context, flern::SqlState::NumericValueOutOfRange, "numeric field overflow");
}

int64_t flern_rt_parse_i64(QueryContext* context, StringRef text, int32_t bits) {
  return flern::ir::parseOrRaise(context, text,
                                 bits == 16   ? flern::SqlType::int16()
                                 : bits == 32 ? flern::SqlType::int32()
                                              : flern::SqlType::int64())
      .integer;
}
double flern_rt_parse_f64(QueryContext* context, StringRef text) {
  return flern::ir::parseOrRaise(context, text, flern::SqlType::float64()).floating;
}
__int128 flern_rt_parse_numeric(QueryContext* context, StringRef text, int32_t scale) {
  return flern::ir::parseOrRaise(context, text, flern::SqlType::numeric(0, scale)).numeric;
}
int32_t flern_rt_parse_date(QueryContext* context, StringRef text) {
  return static_cast<int32_t>(
      flern::ir::parseOrRaise(context, text, flern::SqlType::date()).integer);
}
int32_t flern_rt_parse_bool(QueryContext* context, StringRef text) {
  return static_cast<int32_t>(
      flern::ir::parseOrRaise(context, text, flern::SqlType::boolean()).integer);
}
StringRef flern_rt_i64_to_text(QueryContext* context, int64_t value) {
  return flern::ir::arenaString(context, std::to_string(value));
}
StringRef flern_rt_f64_to_text(QueryContext* context, double value) {
  return flern::ir::arenaString(context, flern::formatFloat64(value));
}
StringRef flern_rt_numeric_to_text(QueryContext* context, __int128 value, int32_t scale) {
  unpackNumeric(value, scale);
  return flern::ir::arenaString(context, flern::formatNumeric(value, scale));
}
StringRef flern_rt_date_to_text(QueryContext* context, int32_t days) {
  return flern::ir::arenaString(context, flern::formatDate(days));
}

char* flern_rt_hashtable_insert(flern::ir::HashTable* table, uint64_t hash) {
  return table->insert(hash);
}
int64_t flern_rt_hashtable_size(flern::ir::HashTable* table) {
  return table->size();
}
char* flern_rt_hashtable_entry_at(flern::ir::HashTable* table, int64_t index) {
  return table->entryAt(index);
}
char* flern_rt_sort_append(flern::ir::SortBuffer* buffer) {
  return buffer->append();
}
void flern_rt_sort_run(flern::ir::SortBuffer* buffer,
                       int32_t (*compare)(const char*, const char*)) {
  buffer->sort(compare);
}
int64_t flern_rt_sort_size(flern::ir::SortBuffer* buffer) {
  return buffer->size();
}
char* flern_rt_sort_row_at(flern::ir::SortBuffer* buffer, int64_t index) {
  return buffer->rowAt(index);
}

[[noreturn]] void flern_rt_raise(QueryContext* context, const char* sqlState, const char* message) {
  flern::SqlState state = flern::SqlState::InternalError;
#define FLERN_SQLSTATE(name, code)                                                                 \
  if (std::strcmp(code, sqlState) == 0) state = flern::SqlState::name;
#include "common/sqlstate.def"
#undef FLERN_SQLSTATE
  flern::ir::raise(context, state, message);
}

// 128-bit arithmetic helpers that LLVM may call for i128 division and checked multiply.
__int128 __divti3(__int128, __int128);
__int128 __modti3(__int128, __int128);
__int128 flern_rt_muloti4(__int128 a, __int128 b, int* overflow) {
  __int128 result;
  *overflow = __builtin_mul_overflow(a, b, &result);
  return result;
}

} // extern "C"

namespace flern::ir {

const std::vector<RuntimeSymbol>& runtimeSymbols() {
#define FLERN_RT(fn)                                                                               \
  RuntimeSymbol {                                                                                  \
#fn, reinterpret_cast < void*>(&fn)                                                            \
  }
  static const std::vector<RuntimeSymbol> symbols = [] {
    std::vector<RuntimeSymbol> all = {
        FLERN_RT(flern_rt_buffer_chunk_count),
        FLERN_RT(flern_rt_buffer_chunk_rows),
        FLERN_RT(flern_rt_buffer_chunk_columns),
        FLERN_RT(flern_rt_buffer_append_row),
        FLERN_RT(flern_rt_buffer_row_count),
        FLERN_RT(flern_rt_buffer_advance),
        FLERN_RT(flern_rt_recreate_states),
        FLERN_RT(flern_rt_str_eq),
        FLERN_RT(flern_rt_str_cmp),
        FLERN_RT(flern_rt_str_hash),
        FLERN_RT(flern_rt_rtrim),
        FLERN_RT(flern_rt_bpchar_cmp),
        FLERN_RT(flern_rt_bpchar_hash),
        FLERN_RT(flern_rt_to_char),
        FLERN_RT(flern_rt_like),
        FLERN_RT(flern_rt_str_length),
        FLERN_RT(flern_rt_str_upper),
        FLERN_RT(flern_rt_str_lower),
        FLERN_RT(flern_rt_str_concat),
        FLERN_RT(flern_rt_check_varchar),
        FLERN_RT(flern_rt_truncate_varchar),
        FLERN_RT(flern_rt_numeric_div),
        FLERN_RT(flern_rt_numeric_arith),
        FLERN_RT(flern_rt_numeric_cmp),
        FLERN_RT(flern_rt_numeric_hash),
        FLERN_RT(flern_rt_numeric_to_f64),
        FLERN_RT(flern_rt_f64_to_numeric),
        FLERN_RT(flern_rt_numeric_rescale),
        FLERN_RT(flern_rt_check_numeric_precision),
        FLERN_RT(flern_rt_parse_i64),
        FLERN_RT(flern_rt_parse_f64),
        FLERN_RT(flern_rt_parse_numeric),
        FLERN_RT(flern_rt_parse_date),
        FLERN_RT(flern_rt_parse_bool),
        FLERN_RT(flern_rt_i64_to_text),
        FLERN_RT(flern_rt_f64_to_text),
        FLERN_RT(flern_rt_numeric_to_text),
        FLERN_RT(flern_rt_date_to_text),
        FLERN_RT(flern_rt_hashtable_insert),
        FLERN_RT(flern_rt_hashtable_size),
        FLERN_RT(flern_rt_hashtable_entry_at),
        FLERN_RT(flern_rt_sort_append),
        FLERN_RT(flern_rt_sort_run),
        FLERN_RT(flern_rt_sort_size),
        FLERN_RT(flern_rt_sort_row_at),
        FLERN_RT(flern_rt_raise),
        // string_functions.cpp, regex.cpp, math_functions.cpp
        FLERN_RT(flern_rt_str_octet_length),
        FLERN_RT(flern_rt_str_ascii_upper),
        FLERN_RT(flern_rt_str_ascii_lower),
        FLERN_RT(flern_rt_str_substring),
        FLERN_RT(flern_rt_str_position),
        FLERN_RT(flern_rt_str_starts_with),
        FLERN_RT(flern_rt_str_btrim),
        FLERN_RT(flern_rt_str_ltrim),
        FLERN_RT(flern_rt_str_rtrim),
        FLERN_RT(flern_rt_str_replace),
        FLERN_RT(flern_rt_str_split_part),
        FLERN_RT(flern_rt_str_left),
        FLERN_RT(flern_rt_str_right),
        FLERN_RT(flern_rt_str_lpad),
        FLERN_RT(flern_rt_str_rpad),
        FLERN_RT(flern_rt_str_reverse),
        FLERN_RT(flern_rt_str_repeat),
        FLERN_RT(flern_rt_regex_match),
        FLERN_RT(flern_rt_regexp_replace),
        FLERN_RT(flern_rt_regex_substring),
        FLERN_RT(flern_rt_f64_math),
        FLERN_RT(flern_rt_numeric_math),
        FLERN_RT(flern_rt_numeric_round),
        FLERN_RT(flern_rt_numeric_floor),
        FLERN_RT(flern_rt_numeric_variance),
        FLERN_RT(flern_rt_float_variance),
        FLERN_RT(flern_rt_string_agg_append),
        FLERN_RT(flern_rt_buffer_chunk_zones),
        FLERN_RT(flern_rt_note_chunk_skipped),
        FLERN_RT(__divti3),
        FLERN_RT(__modti3),
        RuntimeSymbol{"__muloti4", reinterpret_cast<void*>(&flern_rt_muloti4)},
    };
    const auto& datetime = datetimeRuntimeSymbols();
    all.insert(all.end(), datetime.begin(), datetime.end());
    return all;
  }();
#undef FLERN_RT
  return symbols;
}

} // namespace flern::ir

// Run-time functions generated code calls for SMALLINT/REAL conversions and for timestamps and
// intervals: the calculations live in common/datetime, these wrap them in the C ABI and turn
// their errors into query errors.
#include "common/datetime.h"
#include "common/error.h"
#include "common/value_input.h"
#include "ir/runtime/numeric_arith.h"
#include "ir/runtime/query_context.h"

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdlib>
#include <cstring>

using flern::Interval;
using flern::StringRef;
using flern::ir::QueryContext;

namespace {

/// Runs `fn`; a flern::Error it throws ends the query. Nothing with a destructor is alive when
/// the longjmp leaves (the lambda's frame is gone once the exception is caught).
template <typename Fn> auto guard(QueryContext* context, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (flern::Error& error) {
    context->error.emplace(std::move(error));
  }
  std::longjmp(*context->errorJump, 1);
}

StringRef arenaText(QueryContext* context, const std::string& text) {
  if (text.size() <= StringRef::kInlineLimit) return flern::makeStringRef(text);
  char* copy = context->arena.allocate(text.size());
  std::memcpy(copy, text.data(), text.size());
  return flern::makeStringRef(std::string_view(copy, text.size()));
}

} // namespace

extern "C" {

float flern_rt_parse_f32(QueryContext* context, StringRef text) {
  return guard(context, [&] {
    return static_cast<float>(flern::parseInput(text.view(), flern::SqlType::float32()).floating);
  });
}
StringRef flern_rt_f32_to_text(QueryContext* context, float value) {
  return arenaText(context, flern::formatFloat32(value));
}
/// REAL to NUMERIC keeps FLT_DIG (6) significant digits, as PostgreSQL's float4_numeric.
__int128 flern_rt_f32_to_numeric(QueryContext* context, float value, int32_t scale) {
  return flern::ir::floatToNumeric(context, static_cast<double>(value), 6, scale);
}
/// NUMERIC to REAL through its text, as PostgreSQL's numeric_float4.
float flern_rt_numeric_to_f32(__int128 value, int32_t scale) {
  if (scale == flern::kDynamicScale) {
    scale = flern::packedScale(value);
    value = flern::packedDigits(value);
  }
  return std::strtof(flern::formatNumeric(value, scale).c_str(), nullptr);
}

int64_t flern_rt_parse_timestamp(QueryContext* context, StringRef text, int32_t withTimeZone) {
  return guard(context, [&] { return flern::parseTimestamp(text.view(), withTimeZone != 0); });
}
StringRef flern_rt_timestamp_to_text(QueryContext* context, int64_t value, int32_t withTimeZone) {
  return arenaText(context, flern::formatTimestamp(value, withTimeZone != 0));
}
__int128 flern_rt_parse_interval(QueryContext* context, StringRef text, int32_t fields) {
  return guard(context,
               [&] { return flern::packInterval(flern::parseInterval(text.view(), fields)); });
}
StringRef flern_rt_interval_to_text(QueryContext* context, __int128 value) {
  return arenaText(context, flern::formatInterval(flern::unpackInterval(value)));
}
int64_t flern_rt_date_to_timestamp(QueryContext* context, int32_t days) {
  return guard(context, [&] { return flern::dateToTimestamp(days); });
}

/// timestamp + interval (sign -1: minus).
int64_t flern_rt_timestamp_pl_interval(QueryContext* context, int64_t timestamp, __int128 span,
                                       int32_t sign) {
  return guard(context, [&] {
    Interval value = flern::unpackInterval(span);
    if (sign < 0) value = flern::intervalNegate(value);
    return flern::timestampPlusInterval(timestamp, value);
  });
}
__int128 flern_rt_timestamp_mi(QueryContext* context, int64_t a, int64_t b) {
  return guard(context, [&] { return flern::packInterval(flern::timestampDifference(a, b)); });
}
__int128 flern_rt_interval_pl(QueryContext* context, __int128 a, __int128 b, int32_t sign) {
  return guard(context, [&] {
    Interval right = flern::unpackInterval(b);
    if (sign < 0) right = flern::intervalNegate(right);
    return flern::packInterval(flern::intervalAdd(flern::unpackInterval(a), right));
  });
}
__int128 flern_rt_interval_neg(QueryContext* context, __int128 a) {
  return guard(context, [&] {
    return flern::packInterval(flern::intervalNegate(flern::unpackInterval(a)));
  });
}
__int128 flern_rt_interval_mul(QueryContext* context, __int128 a, double factor, int32_t divide) {
  return guard(context, [&] {
    Interval value = flern::unpackInterval(a);
    return flern::packInterval(divide ? flern::intervalDivide(value, factor)
                                      : flern::intervalMultiply(value, factor));
  });
}

/// extract(field from value): the value scaled by 10^scale (scale fixed per field and kind).
__int128 flern_rt_extract(QueryContext* context, int32_t field, int32_t kind, __int128 value) {
  return guard(context, [&] {
    int scale;
    return flern::extractField(field, static_cast<char>(kind), value, scale);
  });
}
double flern_rt_date_part(QueryContext* context, int32_t field, int32_t kind, __int128 value) {
  return guard(context, [&] {
    int scale;
    __int128 scaled = flern::extractField(field, static_cast<char>(kind), value, scale);
    return static_cast<double>(scaled) / std::pow(10.0, scale);
  });
}
int64_t flern_rt_date_trunc(QueryContext* context, int32_t field, int64_t timestamp) {
  return guard(context, [&] { return flern::truncateTimestamp(field, timestamp); });
}
__int128 flern_rt_interval_trunc(int32_t field, __int128 value) {
  return flern::packInterval(flern::truncateInterval(field, flern::unpackInterval(value)));
}
StringRef flern_rt_format_timestamp(QueryContext* context, int64_t timestamp, StringRef format,
                                    int32_t withTimeZone) {
  return arenaText(context, flern::formatWithTemplate(timestamp, format.view(), withTimeZone != 0));
}
int32_t flern_rt_make_date(QueryContext* context, int32_t year, int32_t month, int32_t day) {
  return guard(context, [&] { return flern::makeDate(year, month, day); });
}

} // extern "C"

namespace flern::ir {

const std::vector<RuntimeSymbol>& datetimeRuntimeSymbols() {
#define FLERN_RT(fn)                                                                               \
  RuntimeSymbol {                                                                                  \
#fn, reinterpret_cast < void*>(&fn)                                                            \
  }
  static const std::vector<RuntimeSymbol> symbols = {
      FLERN_RT(flern_rt_parse_f32),         FLERN_RT(flern_rt_f32_to_text),
      FLERN_RT(flern_rt_f32_to_numeric),    FLERN_RT(flern_rt_numeric_to_f32),
      FLERN_RT(flern_rt_parse_timestamp),   FLERN_RT(flern_rt_timestamp_to_text),
      FLERN_RT(flern_rt_parse_interval),    FLERN_RT(flern_rt_interval_to_text),
      FLERN_RT(flern_rt_date_to_timestamp), FLERN_RT(flern_rt_timestamp_pl_interval),
      FLERN_RT(flern_rt_timestamp_mi),      FLERN_RT(flern_rt_interval_pl),
      FLERN_RT(flern_rt_interval_neg),      FLERN_RT(flern_rt_interval_mul),
      FLERN_RT(flern_rt_extract),           FLERN_RT(flern_rt_date_part),
      FLERN_RT(flern_rt_date_trunc),        FLERN_RT(flern_rt_interval_trunc),
      FLERN_RT(flern_rt_format_timestamp),  FLERN_RT(flern_rt_make_date),
  };
#undef FLERN_RT
  return symbols;
}

} // namespace flern::ir

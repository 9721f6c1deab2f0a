// SQL types as Flern binds, stores and sends them, and their text forms as PostgreSQL prints them.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace flern {

/// The logical SQL types. Physical representation (see docs/architecture.md):
/// Bool u8, Int16 i16, Int32 i32, Int64 i64, Float32 float, Float64 double, Numeric i128 scaled
/// by 10^scale, Date i32 days since 2000-01-01, Timestamp/TimestampTz i64 microseconds since
/// 2000-01-01 00:00 (UTC for TimestampTz), Interval i128 (see Interval), Text/Varchar/Char 16-byte
/// StringRef (Char stored blank-padded). New ids go last: checkpoints store the number.
enum class TypeId : uint8_t {
  Unknown,
  Bool,
  Int32,
  Int64,
  Float64,
  Numeric,
  Text,
  Varchar,
  Date,
  Char,
  Int16,
  Float32,
  Timestamp,
  TimestampTz,
  Interval
};

/// A SQL type with its modifiers.
struct SqlType {
  TypeId id = TypeId::Unknown;
  int precision = 0; ///< NUMERIC precision, 0 when unconstrained
  int scale = 0;     ///< NUMERIC scale
  int length = 0;    ///< VARCHAR(n) limit / CHAR(n) width, 0 when unconstrained; INTERVAL's
                     ///< field mask (PostgreSQL's INTERVAL_MASK bits), 0 when none

  static SqlType boolean() { return {TypeId::Bool}; }
  static SqlType int16() { return {TypeId::Int16}; }
  static SqlType int32() { return {TypeId::Int32}; }
  static SqlType int64() { return {TypeId::Int64}; }
  static SqlType float32() { return {TypeId::Float32}; }
  static SqlType float64() { return {TypeId::Float64}; }
  static SqlType numeric(int precision, int scale) { return {TypeId::Numeric, precision, scale}; }
  static SqlType text() { return {TypeId::Text}; }
  static SqlType varchar(int length) { return {TypeId::Varchar, 0, 0, length}; }
  static SqlType date() { return {TypeId::Date}; }
  static SqlType timestamp() { return {TypeId::Timestamp}; }
  static SqlType timestamptz() { return {TypeId::TimestampTz}; }
  static SqlType interval(int fields = 0) { return {TypeId::Interval, 0, 0, fields}; }
  static SqlType character(int length) { return {TypeId::Char, 0, 0, length}; }
  static SqlType unknown() { return {TypeId::Unknown}; }

  bool isNumericLike() const {
    return id == TypeId::Int16 || id == TypeId::Int32 || id == TypeId::Int64 ||
           id == TypeId::Float32 || id == TypeId::Float64 || id == TypeId::Numeric;
  }
  bool isDateTime() const {
    return id == TypeId::Date || id == TypeId::Timestamp || id == TypeId::TimestampTz;
  }
  bool isString() const {
    return id == TypeId::Text || id == TypeId::Varchar || id == TypeId::Char;
  }
  bool operator==(const SqlType&) const = default;

  /// The name PostgreSQL uses in messages, e.g. "numeric(10,2)" or "character varying".
  std::string name() const;
  /// The PostgreSQL type OID sent in RowDescription.
  uint32_t oid() const;
  /// The type modifier sent in RowDescription (-1 when none).
  int32_t typmod() const;
  /// Bytes one value occupies in a column.
  int byteWidth() const;
};

/// A string as generated code sees it: 16 bytes, no per-row allocation. Strings of up to 12
/// bytes live inline; longer ones keep a 4-byte prefix inline and point into a heap.
struct StringRef {
  uint32_t length;
  char prefix[4];
  union {
    char inlined[8];
    const char* pointer;
  };

  static constexpr uint32_t kInlineLimit = 12;
  const char* data() const { return length <= kInlineLimit ? prefix : pointer; }
  std::string_view view() const { return {data(), length}; }
};
static_assert(sizeof(StringRef) == 16);

/// Builds a StringRef over bytes that outlive it (inline copies short strings).
inline StringRef makeStringRef(std::string_view text) {
  StringRef ref{};
  ref.length = static_cast<uint32_t>(text.size());
  if (text.size() <= StringRef::kInlineLimit) {
    std::memcpy(ref.prefix, text.data(), text.size());
  } else {
    std::memcpy(ref.prefix, text.data(), 4);
    ref.pointer = text.data();
  }
  return ref;
}

/// NUMERIC scale marking a value whose display scale is decided per value, as PostgreSQL does for
/// division and avg(): such values travel packed as digits * 256 + scale (see packNumeric).
inline constexpr int kDynamicScale = -1;
inline __int128 packNumeric(__int128 digits, int scale) {
  return digits * 256 + scale;
}
inline int packedScale(__int128 packed) {
  return static_cast<int>(packed & 0xff);
}
inline __int128 packedDigits(__int128 packed) {
  return (packed - packedScale(packed)) / 256;
}
/// PostgreSQL's numeric division result scale (select_div_scale) for a / b.
int divisionScale(__int128 a, int scaleA, __int128 b, int scaleB);
/// a / b rounded half away from zero at `resultScale`; b must be non-zero.
__int128 divideNumeric(__int128 a, int scaleA, __int128 b, int scaleB, int resultScale);

/// 10^n as a 128-bit integer, n in [0, 38].
__int128 pow10i128(int n);

/// Parses a decimal literal into a value scaled by 10^scale (rounding half away from zero, as
/// PostgreSQL). Returns nullopt when the text is not a number.
std::optional<__int128> parseDecimal(std::string_view text, int scale);
/// Number of digits after the decimal point written in a literal ("1.50" -> 2).
int literalScale(std::string_view text);
/// Formats a scaled integer the way PostgreSQL prints NUMERIC.
std::string formatNumeric(__int128 value, int scale);
/// Rounds a scaled integer from one scale to another, half away from zero.
__int128 rescaleNumeric(__int128 value, int fromScale, int toScale);
/// Number of decimal digits left of the point (for precision checks).
int integerDigits(__int128 value, int scale);

/// `text` as CHAR(length): blank-padded; too long is an error (nullopt) unless only blanks are cut
/// or the cast is explicit (then it truncates).
std::optional<std::string> toCharacter(std::string_view text, int length, bool explicitCast);
/// CHAR semantics ignore trailing blanks in comparisons and conversions to text.
std::string_view trimTrailingBlanks(std::string_view text);

/// Formats a double the way PostgreSQL 15 prints float8 (shortest exact round trip).
std::string formatFloat64(double value);
/// Formats a float the way PostgreSQL 15 prints float4 (shortest exact round trip, scientific
/// from 10^6 on).
std::string formatFloat32(float value);

/// Days since 2000-01-01 of a civil date; nullopt when the text is not a valid date. With
/// checkRanges false, only the YYYY-MM-DD shape is checked (to tell bad syntax from a bad day).
std::optional<int32_t> parseDate(std::string_view text, bool checkRanges = true);
/// Days since 2000-01-01 from year, month, day.
int32_t daysFromCivil(int year, unsigned month, unsigned day);
/// Formats days since 2000-01-01 as YYYY-MM-DD.
std::string formatDate(int32_t days);

/// Appends PostgreSQL's text form of the non-null value at `row` of a column of `type`
/// (`data` is the column's dense value array).
void appendValueText(std::string& out, const SqlType& type, const uint8_t* data, int64_t row);

} // namespace flern

#include "common/value_input.h"

#include "common/error.h"

#include <cctype>
#include <cstdlib>

namespace flern {

namespace {

[[noreturn]] void invalid(const char* typeName, std::string_view text) {
  throw Error(SqlState::InvalidTextRepresentation, std::string("invalid input syntax for type ") +
                                                       typeName + ": \"" + std::string(text) +
                                                       "\"");
}

bool parseBoolean(std::string_view text, bool& value) {
  std::string lower;
  for (char c : text)
    if (c != ' ') lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "t" || lower == "true" || lower == "yes" || lower == "y" || lower == "on" ||
      lower == "1")
    value = true;
  else if (lower == "f" || lower == "false" || lower == "no" || lower == "n" || lower == "off" ||
           lower == "0")
    value = false;
  else
    return false;
  return true;
}

/// VARCHAR(n): counted in characters; an explicit cast truncates, an assignment raises 22001.
std::string limitVarchar(std::string_view text, int length, bool explicitCast) {
  if (length <= 0 || static_cast<int>(text.size()) <= length) return std::string(text);
  int64_t characters = 0;
  size_t cut = text.size();
  for (size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && characters++ == length) cut = i;
  if (characters <= length) return std::string(text);
  if (!explicitCast)
    throw Error(SqlState::StringDataRightTruncation,
                "value too long for type character varying(" + std::to_string(length) + ")");
  return std::string(text.substr(0, cut));
}

} // namespace

InputValue parseInput(std::string_view text, const SqlType& type, bool explicitCast) {
  InputValue value;
  switch (type.id) {
  case TypeId::Unknown:
  case TypeId::Text:
    value.text = std::string(text);
    return value;
  case TypeId::Varchar:
    value.text = limitVarchar(text, type.length, explicitCast);
    return value;
  case TypeId::Char: {
    auto padded = toCharacter(text, type.length, explicitCast);
    if (!padded)
      throw Error(SqlState::StringDataRightTruncation,
                  "value too long for type character(" + std::to_string(type.length) + ")");
    value.text = std::move(*padded);
    return value;
  }
  case TypeId::Bool: {
    bool b;
    if (!parseBoolean(text, b)) invalid("boolean", text);
    value.integer = b;
    return value;
  }
  case TypeId::Int32:
  case TypeId::Int64: {
    auto parsed = parseDecimal(text, 0);
    if (!parsed || text.find_first_of(".eE") != std::string_view::npos)
      invalid(type.id == TypeId::Int32 ? "integer" : "bigint", text);
    __int128 limit = type.id == TypeId::Int32 ? INT32_MAX : INT64_MAX;
    if (*parsed > limit || *parsed < -limit - 1)
      throw Error(SqlState::NumericValueOutOfRange,
                  "value \"" + std::string(text) + "\" is out of range for type " + type.name());
    value.integer = static_cast<int64_t>(*parsed);
    return value;
  }
  case TypeId::Float64: {
    std::string copy(text);
    char* end = nullptr;
    value.floating = std::strtod(copy.c_str(), &end);
    if (copy.empty() || *end != '\0') invalid("double precision", text);
    return value;
  }
  case TypeId::Numeric: {
    bool dynamic = type.scale == kDynamicScale;
    int scale = dynamic ? literalScale(text) : type.scale;
    auto parsed = parseDecimal(text, scale);
    if (!parsed) invalid("numeric", text);
    // More than precision - scale integer digits: |value| >= 10^precision at the type's scale.
    __int128 limit = type.precision > 0 ? pow10i128(type.precision) : 0;
    if (type.precision > 0 && (*parsed >= limit || *parsed <= -limit))
      throw Error(SqlState::NumericValueOutOfRange, "numeric field overflow")
          .withDetail("A field with precision " + std::to_string(type.precision) + ", scale " +
                      std::to_string(type.scale) +
                      " must round to an absolute value less than 10^" +
                      std::to_string(type.precision - type.scale) + ".");
    value.numeric = dynamic ? packNumeric(*parsed, scale) : *parsed;
    return value;
  }
  case TypeId::Date: {
    auto parsed = parseDate(text);
    if (!parsed) {
      if (parseDate(text, /*checkRanges=*/false))
        throw Error(SqlState::DatetimeFieldOverflow,
                    "date/time field value out of range: \"" + std::string(text) + "\"")
            .withHint("Perhaps you need a different \"datestyle\" setting.");
      throw Error(SqlState::InvalidDatetimeFormat,
                  "invalid input syntax for type date: \"" + std::string(text) + "\"");
    }
    value.integer = *parsed;
    return value;
  }
  }
  internalError("no input function for " + type.name());
}

} // namespace flern

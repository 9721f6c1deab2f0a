// Scalar types: NUMERIC parsing/rounding/formatting, PostgreSQL's division scale, float8 and
// date text forms.
#include "common/error.h"
#include "common/types.h"
#include "common/value_input.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>

using namespace flern;

TEST(Numeric, ParseRoundsHalfAwayFromZero) {
  EXPECT_EQ(*parseDecimal("1.005", 2), 101);
  EXPECT_EQ(*parseDecimal("-1.005", 2), -101);
  EXPECT_EQ(*parseDecimal("1.004", 2), 100);
  EXPECT_EQ(*parseDecimal("12", 3), 12000);
  EXPECT_EQ(*parseDecimal("1e3", 0), 1000);
  EXPECT_FALSE(parseDecimal("1.2.3", 2));
  EXPECT_FALSE(parseDecimal("abc", 0));
}

TEST(Numeric, Format) {
  EXPECT_EQ(formatNumeric(12345, 2), "123.45");
  EXPECT_EQ(formatNumeric(-5, 2), "-0.05");
  EXPECT_EQ(formatNumeric(0, 3), "0.000");
  EXPECT_EQ(formatNumeric(7, 0), "7");
}

TEST(Numeric, DivisionScaleFollowsPostgres) {
  // Expected scales are PostgreSQL 15's: 1.0/3 -> 20 digits, 100.0/7 -> 16, 10/4.0 -> 16.
  EXPECT_EQ(divisionScale(10, 1, 3, 0), 20);
  EXPECT_EQ(divisionScale(1000, 1, 7, 0), 16);
  EXPECT_EQ(divisionScale(10, 0, 40, 1), 16);
  EXPECT_EQ(divisionScale(55, 0, 10, 0), 16);
  EXPECT_EQ(divisionScale(10, 0, 10, 0), 20);
  EXPECT_EQ(formatNumeric(divideNumeric(10, 1, 3, 0, 20), 20), "0.33333333333333333333");
  EXPECT_EQ(formatNumeric(divideNumeric(-2, 0, 3, 0, 4), 4), "-0.6667");
}

TEST(Numeric, PackedDynamicScale) {
  __int128 packed = packNumeric(-12345, 3);
  EXPECT_EQ(packedScale(packed), 3);
  EXPECT_EQ(packedDigits(packed), -12345);
}

TEST(Float, PostgresLayout) {
  EXPECT_EQ(formatFloat64(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(formatFloat64(1e300 * 10), "1e+301");
  EXPECT_EQ(formatFloat64(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(formatFloat64(0.0001), "0.0001");
  EXPECT_EQ(formatFloat64(0.00001), "1e-05");
  EXPECT_EQ(formatFloat64(-2.5), "-2.5");
  EXPECT_EQ(formatFloat64(100), "100");
}

TEST(Date, RoundTrip) {
  EXPECT_EQ(*parseDate("2000-01-01"), 0);
  EXPECT_EQ(formatDate(*parseDate("1815-12-10")), "1815-12-10");
  EXPECT_EQ(formatDate(*parseDate("2024-02-29") + 1), "2024-03-01");
  EXPECT_FALSE(parseDate("2001-02-29"));
  EXPECT_TRUE(parseDate("2001-02-29", false));
  EXPECT_FALSE(parseDate("2001-13-01"));
  EXPECT_FALSE(parseDate("yesterday"));
}

TEST(StringRef, InlineAndHeap) {
  StringRef shortRef = makeStringRef("hello");
  EXPECT_EQ(shortRef.view(), "hello");
  std::string longText = "a string longer than twelve bytes";
  StringRef longRef = makeStringRef(longText);
  EXPECT_EQ(longRef.view(), longText);
  EXPECT_EQ(longRef.pointer, longText.data());
  EXPECT_EQ(std::string(longRef.prefix, 4), "a st");
}

// parseCommonInput is the bulk loaders' shortcut past parseInput: where it answers it must give
// parseInput's value, and it must leave every error (and every odd form) to parseInput.
TEST(InputShortcut, AgreesWithTheGeneralParser) {
  struct Case {
    SqlType type;
    std::vector<std::string> texts;
  };
  auto numeric = [](int precision, int scale) {
    SqlType type{TypeId::Numeric};
    type.precision = precision;
    type.scale = scale;
    return type;
  };
  std::vector<Case> cases = {
      {SqlType{TypeId::Int32},
       {"0", "7", "-7", "007", "123456789", "-999999999", "2147483647", "-2147483648", "2147483648",
        "", "-", "+5", " 5", "5 ", "1e3", "1.0", "12a"}},
      {SqlType{TypeId::Int64},
       {"0", "-1", "123456789012345678", "9223372036854775807", "9223372036854775808", "x"}},
      {SqlType{TypeId::Date},
       {"1992-01-01", "1998-12-31", "2000-02-29", "1900-02-29", "2001-02-29", "2024-02-29",
        "1995-13-01", "1995-00-10", "1995-04-31", "1995-04-00", "0000-01-01", "1995-4-1",
        " 1995-04-01", "1995/04/01", "19950401"}},
      {numeric(15, 2),
       {"0", "0.00", "1", "1.5", "1.50", "-1.05", "-0.01", "901.00", "1234567890123.99",
        "12345678901234.5", "1.005", ".5", "1.", "-", "+1.00", "1e2", " 1.00", "1,00"}},
      {numeric(4, 0), {"9999", "10000", "-9999", "0.5"}},
      {numeric(38, 10), {"123.4567891234", "1.5"}},
      {numeric(38, 2),
       {"12345678901234567890123.45", "99999999999999999999", "1234567890123456.78", "1.2.3",
        "1.-5", "-.5", "--1"}},
  };
  int answered = 0;
  for (const auto& [type, texts] : cases) {
    for (const auto& text : texts) {
      alignas(16) unsigned char slot[16] = {};
      bool shortcut = parseCommonInput(text, type, slot);
      std::optional<InputValue> general;
      try {
        general = parseInput(text, type);
      } catch (const Error&) {
      }
      if (!shortcut) continue;
      ++answered;
      ASSERT_TRUE(general.has_value()) << "shortcut accepted what parseInput rejects: " << text;
      switch (type.id) {
      case TypeId::Int32:
      case TypeId::Date: {
        int32_t value;
        std::memcpy(&value, slot, sizeof value);
        EXPECT_EQ(value, general->integer) << text;
        break;
      }
      case TypeId::Int64: {
        int64_t value;
        std::memcpy(&value, slot, sizeof value);
        EXPECT_EQ(value, general->integer) << text;
        break;
      }
      default: {
        __int128 value;
        std::memcpy(&value, slot, sizeof value);
        EXPECT_TRUE(value == general->numeric) << text;
      }
      }
    }
  }
  // The shortcut must take the plain forms, or it saves nothing.
  EXPECT_GE(answered, 25);
  alignas(16) unsigned char slot[16];
  EXPECT_TRUE(parseCommonInput("1234567890123.99", numeric(15, 2), slot));
  EXPECT_TRUE(parseCommonInput("1998-12-01", SqlType{TypeId::Date}, slot));
  EXPECT_TRUE(parseCommonInput("-42", SqlType{TypeId::Int32}, slot));
}

// Scalar types: NUMERIC parsing/rounding/formatting, PostgreSQL's division scale, float8 and
// date text forms.
#include "common/types.h"

#include <gtest/gtest.h>

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

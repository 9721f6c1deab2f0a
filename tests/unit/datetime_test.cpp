// TIMESTAMP and INTERVAL calculations of common/datetime: round trips of the text forms, month
// arithmetic clamping, the 30-day-month comparison key and the fractional cascade of interval
// input (expected values as PostgreSQL 15 prints them).
#include "common/datetime.h"
#include "common/error.h"

#include <gtest/gtest.h>

using namespace flern;

TEST(Timestamp, TextRoundTrip) {
  for (const char* text : {"2020-01-31 10:11:12", "1999-12-31 23:59:59.999999",
                           "1970-01-01 00:00:00.5", "0044-03-15 12:00:00 BC"})
    EXPECT_EQ(formatTimestamp(parseTimestamp(text, false), false), text);
  EXPECT_EQ(formatTimestamp(parseTimestamp("2020-06-01 12:00:00-03:30", true), true),
            "2020-06-01 15:30:00+00");
  EXPECT_EQ(formatTimestamp(parseTimestamp("2020-06-01 12:00:00-03:30", false), false),
            "2020-06-01 12:00:00");
  EXPECT_THROW(parseTimestamp("2021-02-29", false), Error);
  EXPECT_THROW(parseTimestamp("yesterday-ish", false), Error);
}

TEST(Timestamp, MonthArithmeticClampsTheDay) {
  Interval month;
  month.months = 1;
  int64_t end = timestampPlusInterval(parseTimestamp("2020-01-31 10:00", false), month);
  EXPECT_EQ(formatTimestamp(end, false), "2020-02-29 10:00:00");
  month.months = -1;
  end = timestampPlusInterval(parseTimestamp("2020-03-31", false), month);
  EXPECT_EQ(formatTimestamp(end, false), "2020-02-29 00:00:00");
  Interval difference = timestampDifference(parseTimestamp("2020-03-01", false),
                                            parseTimestamp("2019-01-01 13:00", false));
  EXPECT_EQ(formatInterval(difference), "424 days 11:00:00");
}

TEST(Interval, InputOutputAndComparison) {
  EXPECT_EQ(formatInterval(parseInterval("1 year 2 mons 3 days 04:05:06")),
            "1 year 2 mons 3 days 04:05:06");
  EXPECT_EQ(formatInterval(parseInterval("1.5 months")), "1 mon 15 days");
  EXPECT_EQ(formatInterval(parseInterval("-1 day +2 hours")), "-1 days +02:00:00");
  EXPECT_EQ(formatInterval(parseInterval("1-2")), "1 year 2 mons");
  EXPECT_EQ(formatInterval(parseInterval("1 2:03:04")), "1 day 02:03:04");
  EXPECT_EQ(formatInterval(parseInterval("90", 1 << 3)), "90 days");
  EXPECT_EQ(formatInterval(parseInterval("1", 1 << 2)), "1 year");
  EXPECT_EQ(formatInterval(parseInterval("0")), "00:00:00");
  EXPECT_THROW(parseInterval("1 2"), Error);
  EXPECT_EQ(intervalCompareKey(parseInterval("1 mon")),
            intervalCompareKey(parseInterval("30 days")));
  EXPECT_LT(intervalCompareKey(parseInterval("1 year")),
            intervalCompareKey(parseInterval("366 days")));
  EXPECT_EQ(formatInterval(intervalDivide(parseInterval("1 mon"), 7)), "4 days 06:51:25.6896");
}

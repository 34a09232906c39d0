// Tests for parse_duration / format_duration: the spellings scenarios and flags accept, and what they print.
#include "perfval/common/duration.hpp"

#include <gtest/gtest.h>

#include <string>

namespace perfval {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, SingleUnits) {
  EXPECT_EQ(parse_duration("30s"), Nanos(seconds(30)));
  EXPECT_EQ(parse_duration("500ms"), Nanos(milliseconds(500)));
  EXPECT_EQ(parse_duration("2m"), Nanos(minutes(2)));
  EXPECT_EQ(parse_duration("1h"), Nanos(hours(1)));
  EXPECT_EQ(parse_duration("250us"), Nanos(microseconds(250)));
  EXPECT_EQ(parse_duration("250\xC2\xB5s"), Nanos(microseconds(250)));
  EXPECT_EQ(parse_duration("15ns"), Nanos(15));
  EXPECT_EQ(parse_duration("0"), Nanos(0));
  EXPECT_EQ(parse_duration("0s"), Nanos(0));
}

TEST(ParseDuration, DecimalsAndCompounds) {
  EXPECT_EQ(parse_duration("1.5s"), Nanos(milliseconds(1500)));
  EXPECT_EQ(parse_duration("0.25ms"), Nanos(microseconds(250)));
  EXPECT_EQ(parse_duration("1h30m"), Nanos(minutes(90)));
  EXPECT_EQ(parse_duration("1m30s"), Nanos(seconds(90)));
  EXPECT_EQ(parse_duration("2h1m5s250ms"), Nanos(hours(2) + minutes(1) + seconds(5) + milliseconds(250)));
  EXPECT_EQ(parse_duration("  10s "), Nanos(seconds(10)));
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "   ", "10", "5x", "-1s", "ms", "s", "1.5.2s", "1s 2s", ".s", "1h-5m", "5 s", "1e3s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << "accepted \"" << bad << "\"";
  }
}

TEST(ParseDuration, HugeNumbersAreRejectedNotThrown) {
  EXPECT_FALSE(parse_duration(std::string(400, '9') + "s").has_value());
  EXPECT_FALSE(parse_duration("9999999999h").has_value());  // overflows 64-bit nanoseconds
}

TEST(FormatDuration, ShortestReadableForm) {
  EXPECT_EQ(format_duration(Nanos(0)), "0s");
  EXPECT_EQ(format_duration(minutes(90)), "1h30m");
  EXPECT_EQ(format_duration(hours(2)), "2h");
  EXPECT_EQ(format_duration(hours(1) + minutes(1) + seconds(1)), "1h1m1s");
  EXPECT_EQ(format_duration(seconds(90)), "1m30s");
  EXPECT_EQ(format_duration(minutes(5)), "5m");
  EXPECT_EQ(format_duration(milliseconds(2500)), "2.5s");
  EXPECT_EQ(format_duration(milliseconds(850)), "850ms");
  EXPECT_EQ(format_duration(microseconds(120)), "120\xC2\xB5s");
  EXPECT_EQ(format_duration(Nanos(15)), "15ns");
  EXPECT_EQ(format_duration(milliseconds(-1500)), "-1.5s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  const Nanos samples[] = {Nanos(1),          Nanos(999),         microseconds(1),  Nanos(1'234'567),
                           Nanos(1'234'567'000), milliseconds(59'999), seconds(61),      minutes(61),
                           hours(25) + seconds(7), milliseconds(90'500), Nanos(123'456'789'012)};
  for (const Nanos d : samples) {
    const std::string text = format_duration(d);
    EXPECT_EQ(parse_duration(text), d) << text;
  }
}

TEST(Conversions, MillisecondsAndSeconds) {
  EXPECT_DOUBLE_EQ(to_ms(microseconds(1500)), 1.5);
  EXPECT_DOUBLE_EQ(to_seconds(milliseconds(250)), 0.25);
}

}  // namespace
}  // namespace perfval

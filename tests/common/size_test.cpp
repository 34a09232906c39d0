// Tests for parse_bytes / format_bytes: Kubernetes and SI sizes used by capacity limits and reports.
#include "perfval/common/size.hpp"

#include <gtest/gtest.h>

namespace perfval {
namespace {

TEST(ParseBytes, BinarySuffixes) {
  EXPECT_EQ(parse_bytes("512Mi"), 512.0 * 1024 * 1024);
  EXPECT_EQ(parse_bytes("1Gi"), 1024.0 * 1024 * 1024);
  EXPECT_EQ(parse_bytes("4Ki"), 4096.0);
  EXPECT_EQ(parse_bytes("2Ti"), 2.0 * 1024 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_bytes("1.5Gi"), 1.5 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_bytes("8MiB"), 8.0 * 1024 * 1024);
}

TEST(ParseBytes, DecimalSuffixesAndPlainNumbers) {
  EXPECT_EQ(parse_bytes("100MB"), 100e6);
  EXPECT_EQ(parse_bytes("1.5k"), 1500.0);
  EXPECT_EQ(parse_bytes("2G"), 2e9);
  EXPECT_EQ(parse_bytes("3kB"), 3000.0);
  EXPECT_EQ(parse_bytes("300B"), 300.0);
  EXPECT_EQ(parse_bytes("300"), 300.0);
  EXPECT_EQ(parse_bytes(" 64Mi "), 64.0 * 1024 * 1024);
}

TEST(ParseBytes, RejectsJunk) {
  for (const char* bad : {"", "Mi", "abc", "12Qi", "1.2.3Mi", "-5Mi", "5 Mi", "5mi", "1e3", "Gi5", ".", "10Mi extra"}) {
    EXPECT_FALSE(parse_bytes(bad).has_value()) << "accepted \"" << bad << "\"";
  }
}

TEST(FormatBytes, BinaryUnitsWithAtMostOneDecimal) {
  EXPECT_EQ(format_bytes(300), "300B");
  EXPECT_EQ(format_bytes(1024), "1Ki");
  EXPECT_EQ(format_bytes(512.0 * 1024 * 1024), "512Mi");
  EXPECT_EQ(format_bytes(1.5 * 1024 * 1024 * 1024), "1.5Gi");
  EXPECT_EQ(format_bytes(100e6), "95.4Mi");
  EXPECT_EQ(format_bytes(1024.0 * 1024 - 1), "1Mi");  // rounds up to the next unit, not "1024Ki"
}

TEST(FormatBytes, RoundTripsBinarySizes) {
  for (const char* text : {"1Ki", "512Mi", "1.5Gi", "3Ti", "700B"}) {
    const auto bytes = parse_bytes(text);
    ASSERT_TRUE(bytes.has_value()) << text;
    EXPECT_EQ(format_bytes(*bytes), text);
  }
}

}  // namespace
}  // namespace perfval

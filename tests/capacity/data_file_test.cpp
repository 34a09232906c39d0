// Tests of src/capacity/data_file.cpp and timestamp.cpp: CSV/JSON inputs, gaps, and per-column bad values.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "perfval/capacity/series.hpp"
#include "perfval/common/error.hpp"

namespace perfval::capacity {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DataFile, CsvWithRfc3339AndOffsets) {
  const DataTable t = parse_csv(
      "timestamp,cpu,memory\n"
      "2024-03-01T00:00:00Z,10,50\n"
      "2024-03-01T02:00:00+01:00,11,51\n"  // 01:00Z
      "2024-03-01T02:00:00Z,12,52\n",
      "d.csv");
  ASSERT_EQ(t.columns, (std::vector<std::string>{"cpu", "memory"}));
  EXPECT_EQ(t.timestamps, (std::vector<double>{1709251200, 1709254800, 1709258400}));
  EXPECT_EQ(column_series(t, "memory", "memory")->v, (std::vector<double>{50, 51, 52}));
}

TEST(DataFile, CsvTimestampsMustIncrease) {
  const std::string e = error_of([] {
    parse_csv("timestamp,cpu\n2024-03-01T00:00:00Z,1\n2024-03-01T01:00:00+01:00,2\n", "d.csv");
  });
  EXPECT_NE(e.find("d.csv:3:1: timestamp: timestamps must increase"), std::string::npos) << e;
}

// Found by fuzz_capacity_data_file (UBSan: 1e30 converted to long long while writing this message).
TEST(DataFile, ATimestampBeyondYear9999IsNamedInSecondsWhenTheOrderIsWrong) {
  const std::string e = error_of([] { parse_csv("timestamp,cpu\n1e30,1\n1709258400,2\n", "d.csv"); });
  EXPECT_NE(e.find("d.csv:3:1: timestamp: timestamps must increase: 2024-03-01T02:00:00Z is not after "
                   "1e+30 (Unix seconds) (line 2)"), std::string::npos) << e;
}

TEST(DataFile, CsvUnixSecondsAndEmptyCellsAreGaps) {
  const DataTable t = parse_csv("timestamp,cpu,memory\n100,1,5\n160,2,\n220,3,7\n", "d.csv");
  const auto cpu = column_series(t, "cpu", "cpu");
  const auto mem = column_series(t, "memory", "memory");
  ASSERT_TRUE(cpu && mem);
  EXPECT_EQ(cpu->t, (std::vector<double>{100, 160, 220}));
  EXPECT_EQ(mem->t, (std::vector<double>{100, 220}));
  EXPECT_EQ(mem->v, (std::vector<double>{5, 7}));
  EXPECT_TRUE(cpu->error.empty());
  EXPECT_FALSE(column_series(t, "storage", "storage").has_value());
}

TEST(DataFile, NegativeAndNanValuesAreReportedPerColumnWithTheirPlace) {
  const DataTable t = parse_csv("timestamp,cpu,memory\n100,1,5\n160,-2,6\n220,NaN,7\n", "d.csv");
  const auto cpu = column_series(t, "cpu", "cpu");
  EXPECT_NE(cpu->error.find("d.csv:3:5: cpu: negative value -2"), std::string::npos) << cpu->error;
  EXPECT_NE(cpu->error.find("and 1 more invalid values"), std::string::npos) << cpu->error;
  EXPECT_TRUE(column_series(t, "memory", "memory")->error.empty());
}

TEST(DataFile, CsvStructuralErrorsNameTheLine) {
  EXPECT_NE(error_of([] { parse_csv("time,cpu\n1,2\n", "d.csv"); }).find("d.csv:1:1: header: the first column must be \"timestamp\""),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_csv("timestamp,cpu\n1,2\n2\n", "d.csv"); }).find("d.csv:3:1: row: expected 2 fields"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_csv("timestamp,cpu\nyesterday,2\n", "d.csv"); }).find("d.csv:2:1: timestamp: expected RFC 3339"),
            std::string::npos);
}

TEST(DataFile, JsonRowsAndColumnsAreEquivalent) {
  const DataTable rows = parse_json_table(
      R"([{"timestamp":"2024-03-01T00:00:00Z","cpu":1},{"timestamp":1709251260,"cpu":2,"memory":null}])", "d.json");
  const DataTable cols = parse_json_table(R"({"timestamp":[1709251200,1709251260],"cpu":[1,2]})", "d.json");
  EXPECT_EQ(column_series(rows, "cpu", "cpu")->v, column_series(cols, "cpu", "cpu")->v);
  EXPECT_EQ(column_series(rows, "cpu", "cpu")->t, column_series(cols, "cpu", "cpu")->t);
  EXPECT_TRUE(column_series(rows, "memory", "memory")->v.empty());
}

TEST(DataFile, JsonSyntaxErrorsHaveALineAndColumn) {
  const std::string e = error_of([] { parse_json_table("[\n {\"timestamp\": 1,\n  \"cpu\": }]", "d.json"); });
  EXPECT_NE(e.find("d.json:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("JSON syntax error"), std::string::npos) << e;
}

TEST(DataFile, JsonNumberBeyondDoubleRangeIsAnErrorNamingTheFile) {
  const std::string e = error_of([] { parse_json_table(R"({"timestamp": [1], "cpu": [1e999]})", "d.json"); });
  EXPECT_NE(e.find("d.json: JSON syntax error"), std::string::npos) << e;
  EXPECT_NE(e.find("number overflow"), std::string::npos) << e;
}

TEST(Timestamp, Rfc3339AndUnixSeconds) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(parse_timestamp("2024-03-01T12:00:00Z").value(), 1709294400);
  EXPECT_EQ(parse_timestamp("2024-03-01T14:00:00+02:00").value(), 1709294400);
  EXPECT_DOUBLE_EQ(parse_timestamp("2024-03-01T12:00:00.25Z").value(), 1709294400.25);
  EXPECT_EQ(parse_timestamp("1709294400").value(), 1709294400);
  // No zone, as CloudWatch exports write it: UTC.
  EXPECT_EQ(parse_timestamp("2024-03-01 12:00:00").value(), 1709294400);
  EXPECT_EQ(parse_timestamp("2024-03-01T12:00:00").value(), 1709294400);
  EXPECT_FALSE(parse_timestamp("2024-03-01 12:00:00 UTC").has_value());
  EXPECT_FALSE(parse_timestamp("2024-13-01T12:00:00Z").has_value());
  EXPECT_EQ(format_timestamp(1709294400), "2024-03-01T12:00:00Z");
  EXPECT_EQ(format_timestamp(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_timestamp(-62167219200), "0000-01-01T00:00:00Z");
  EXPECT_EQ(format_timestamp(253402300800), "2.53402e+11 (Unix seconds)");
  EXPECT_EQ(format_timestamp(std::nan("")), "nan (Unix seconds)");
}

}  // namespace
}  // namespace perfval::capacity

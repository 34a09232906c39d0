// The Prometheus text parser on hand-written lines: fields split exactly, malformed lines named by line and column.
#include "perfval/common/prom_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "perfval/common/error.hpp"

namespace perfval {
namespace {

using ::testing::HasSubstr;

TEST(PromText, SplitsNameLabelsValueAndTimestamp) {
  const std::string text =
      "# HELP x help\n# TYPE x gauge\nx{a=\"1\",b=\"q\\\"uote\\\\\\n\"} 2.5 1700000000000\n"
      "y +Inf\nz{} NaN\nw -1e3\n";
  std::vector<std::string> names;
  std::vector<double> values;
  std::vector<std::string> label_values;
  bool saw_timestamp = false;
  parse_prometheus_text(text, [&](const PromSample& s) {
    names.emplace_back(s.name);
    values.push_back(s.value);
    for (const auto& l : s.labels) label_values.push_back(std::string(l.name) + "=" + unescape_label_value(l.raw_value));
    if (s.timestamp_ms) saw_timestamp = *s.timestamp_ms == 1700000000000;
  });
  EXPECT_EQ(names, (std::vector<std::string>{"x", "y", "z", "w"}));
  EXPECT_EQ(values[0], 2.5);
  EXPECT_TRUE(std::isinf(values[1]) && values[1] > 0);
  EXPECT_TRUE(std::isnan(values[2]));
  EXPECT_EQ(values[3], -1000.0);
  EXPECT_EQ(label_values, (std::vector<std::string>{"a=1", "b=q\"uote\\\n"}));
  EXPECT_TRUE(saw_timestamp);
}

std::string error_of(const std::string& text) {
  try {
    parse_prometheus_text(text, [](const PromSample&) {});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(PromText, MalformedLinesNameLineAndColumn) {
  EXPECT_THAT(error_of("ok 1\nbad{a=1} 2\n"), HasSubstr("prometheus text:2:7: sample: expected '\"'"));
  EXPECT_THAT(error_of("m{a=\"x} 1\n"), HasSubstr("unterminated value of label a"));
  EXPECT_THAT(error_of("m abc\n"), HasSubstr("prometheus text:1:3: sample: expected a number, got \"abc\""));
  EXPECT_THAT(error_of("m 1 2 3\n"), HasSubstr("unexpected text after the sample"));
  EXPECT_THAT(error_of("9m 1\n"), HasSubstr("expected a metric name"));
  EXPECT_THAT(error_of("m\n"), HasSubstr("expected a space before the value"));
  // Found by tests/fuzz/prom_text.cpp: a ':' in a label name was accepted (it is only valid in metric names).
  EXPECT_THAT(error_of("m:x{a:b=\"1\"} 1\n"), HasSubstr("prometheus text:1:6: sample: ':' is not allowed in label name \"a:b\""));
}

TEST(PromText, TypeLinesAreCheckedAndReported) {
  std::vector<std::string> types;
  parse_prometheus_text("# TYPE a counter\n# TYPE b_seconds histogram \na_total 1\n", [](const PromSample&) {},
                        [&](std::string_view family, std::string_view type) {
                          types.push_back(std::string(family) + ":" + std::string(type));
                        });
  EXPECT_EQ(types, (std::vector<std::string>{"a:counter", "b_seconds:histogram"}));
  EXPECT_THAT(error_of("# TYPE a countr\n"), HasSubstr("prometheus text:1:10: TYPE: unknown metric type \"countr\""));
  EXPECT_THAT(error_of("# TYPE 1a gauge\n"), HasSubstr("expected a metric name"));
  EXPECT_THAT(error_of("# TYPE a\n"), HasSubstr("expected a space after the name"));
  EXPECT_EQ(error_of("# HELP a anything at all\n# comment\n"), "");
}

}  // namespace
}  // namespace perfval

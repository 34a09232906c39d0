// The Prometheus text parser against the embedded target's own /metrics body and hand-written edge cases.
#include "perfval/bench/prom_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "perfval/common/error.hpp"
#include "perfval/target/metrics_renderer.hpp"

namespace perfval::bench {
namespace {

using ::testing::HasSubstr;


TEST(PromText, CountsEverySampleAndFamilyOfARenderedCluster) {
  target::ClusterOptions options;
  options.nodes = 50;
  target::Cluster cluster(options);
  const std::string body = target::render_metrics(cluster.snapshot());
  std::size_t lines = 0, types = 0;
  for (std::size_t pos = 0; pos < body.size();) {
    const std::size_t end = body.find('\n', pos);
    const std::string line = body.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#') ++lines;
    if (line.rfind("# TYPE ", 0) == 0) ++types;
    pos = end + 1;
  }
  std::map<std::string, int> per_name;
  const auto stats = parse_prometheus_text(body, [&](const PromSample& s) { ++per_name[std::string(s.name)]; });
  EXPECT_EQ(stats.samples, lines);
  EXPECT_EQ(stats.families, types);
  EXPECT_EQ(stats.bytes, body.size());
  EXPECT_GT(stats.samples, 50u);  // at least one series per node
  EXPECT_GE(per_name.size(), stats.families);
}

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
}

}  // namespace
}  // namespace perfval::bench

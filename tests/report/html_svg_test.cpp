// Tests of the SVG chart writer: thinning keeps peaks, gaps stay gaps, far limits do not squash the data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "../../src/report/html_svg.hpp"
#include "report/html_fixtures.hpp"

namespace perfval::report::html {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::count_of;

TEST(HtmlSvgDownsample, AnHourOfSecondsKeepsItsSpikeAndDipWithinTheBudget) {
  std::vector<double> x, y;
  for (int i = 0; i < 3600; ++i) x.push_back(i), y.push_back(10 + (i % 7));
  y[1801] = 5000;  // one slow second
  y[2900] = 0.5;   // one fast one
  downsample(x, y, 450);
  EXPECT_LE(x.size(), 902u);
  EXPECT_EQ(*std::max_element(y.begin(), y.end()), 5000);
  EXPECT_EQ(*std::min_element(y.begin(), y.end()), 0.5);
  EXPECT_EQ(x.front(), 0);
  EXPECT_EQ(x.back(), 3599);
  EXPECT_TRUE(std::is_sorted(x.begin(), x.end()));
}

TEST(HtmlSvgDownsample, ShortSeriesAreLeftAlone) {
  std::vector<double> x{1, 2, 3}, y{4, 5, 6};
  downsample(x, y, 450);
  EXPECT_EQ(y, (std::vector<double>{4, 5, 6}));
}

LineChart chart_with(std::vector<double> y) {
  LineChart c;
  c.title = "latency <p99> & more";
  c.x = {"time (s)", [](double v) { return std::to_string(static_cast<int>(v)); }, Scale::linear, std::nullopt, std::nullopt, true, {}};
  c.y = {"latency (ms)", [](double v) { return std::to_string(static_cast<int>(v)) + "ms"; }, Scale::linear, std::nullopt, std::nullopt, true, {}};
  Line l{"p99", {}, std::move(y), 1, false, false};
  for (std::size_t i = 0; i < l.y.size(); ++i) l.x.push_back(static_cast<double>(i));
  c.lines.push_back(l);
  return c;
}

TEST(HtmlSvgLineChart, AMissingValueIsAGapNotAZero) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string svg = render(chart_with({5, 6, nan, 7, 8}));
  const auto d = svg.find(" d=\"M");
  ASSERT_NE(d, std::string::npos);
  const std::string path = svg.substr(d, svg.find('"', d + 4) - d);
  EXPECT_EQ(count_of(path, "M"), 2u) << path;  // the pen lifts at the gap
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
}

TEST(HtmlSvgLineChart, AFarLimitIsNamedInTheLegendInsteadOfSquashingTheData) {
  LineChart c = chart_with({5, 6, 7});
  c.rules.push_back({2000, "SLA < 2000 ms", "limit"});
  const std::string svg = render(c);
  EXPECT_THAT(svg, HasSubstr("▲ SLA &lt; 2000 ms (above the chart)"));
  EXPECT_THAT(svg, Not(HasSubstr(">2000ms<")));  // the axis still fits the data
  c.rules.back().in_range = true;  // a limit the reader must see (capacity) widens the axis instead
  EXPECT_THAT(render(c), HasSubstr(">2000ms<"));
}

TEST(HtmlSvgLineChart, TitlesAreEscapedAndAnEmptyChartSaysSo) {
  const std::string svg = render(chart_with({1, 2}));
  EXPECT_THAT(svg, HasSubstr("latency &lt;p99&gt; &amp; more"));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string empty = render(chart_with({nan, nan}));
  EXPECT_THAT(empty, HasSubstr("No data for this chart."));
  EXPECT_THAT(empty, Not(HasSubstr("<svg")));
}

TEST(HtmlSvgLineChart, TailAxisSpacesTheNinesEvenly) {
  LineChart c = chart_with({});
  c.lines.front().x = {0, 90, 99, 99.9};
  c.lines.front().y = {1, 2, 3, 4};
  c.x = {"percentile", [](double q) { char b[16]; std::snprintf(b, sizeof b, "%g%%", q); return std::string(b); },
         Scale::tail, std::nullopt, std::nullopt, true, {}};
  const std::string svg = render(c);
  for (const char* t : {">90%<", ">99%<", ">99.9%<"}) EXPECT_THAT(svg, HasSubstr(t));
}

TEST(HtmlSvgTime, ElapsedTimeAndTicks) {
  EXPECT_EQ(format_elapsed(65), "1:05");
  EXPECT_EQ(format_elapsed(3725), "1:02:05");
  const auto ticks = time_ticks(3600);
  EXPECT_EQ(ticks.size(), 7u);  // every 10 minutes
  EXPECT_EQ(ticks.back(), 3600);
}

TEST(HtmlSvgBarChart, BarsCarryTheirValues) {
  BarChart b{"status", [](double v) { return std::to_string(static_cast<int>(v)); }, {{"200", 990, "good"}, {"500", 10, "bad"}}, 560};
  const std::string svg = render(b);
  EXPECT_EQ(count_of(svg, "<rect class=\"bar"), 2u);
  EXPECT_THAT(svg, HasSubstr(">990<"));
  EXPECT_THAT(svg, HasSubstr("500: 10"));
}

}  // namespace
}  // namespace perfval::report::html

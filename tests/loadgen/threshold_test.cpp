// Tests for k6 threshold expressions, metric selectors and threshold evaluation.
#include "perfval/loadgen/threshold.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "perfval/common/error.hpp"

namespace perfval::loadgen {
namespace {

using Op = ThresholdExpr::Op;
using ::testing::HasSubstr;

// The message of the Error thrown by `fn`, or a failure if it does not throw.
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

std::string expr_error(const std::string& text) {
  return error_of([&] { parse_threshold_expression(text); });
}

std::string selector_error(const std::string& text) {
  return error_of([&] { parse_metric_selector(text); });
}

TEST(ThresholdExpr, ParsesPercentileWithBareMilliseconds) {
  const auto e = parse_threshold_expression("p(95)<5000");
  EXPECT_EQ(e.aggregation, "p(95)");
  EXPECT_EQ(e.percentile, 95);
  EXPECT_EQ(e.op, Op::lt);
  EXPECT_EQ(e.value, 5000);
  EXPECT_EQ(e.source, "p(95)<5000");
}

TEST(ThresholdExpr, ParsesDecimalPercentileWithSpacesAndUnit) {
  const auto e = parse_threshold_expression("p(99.9) <= 250ms");
  EXPECT_EQ(e.aggregation, "p(99.9)");
  EXPECT_DOUBLE_EQ(e.percentile, 99.9);
  EXPECT_EQ(e.op, Op::le);
  EXPECT_EQ(e.value, 250);
  EXPECT_EQ(e.source, "p(99.9) <= 250ms");
  const auto spaced = parse_threshold_expression("  p( 90 )  >=  2 s ");
  EXPECT_EQ(spaced.aggregation, "p(90)");
  EXPECT_EQ(spaced.op, Op::ge);
  EXPECT_EQ(spaced.value, 2000);
}

TEST(ThresholdExpr, ParsesEveryAggregation) {
  struct Case {
    const char* text;
    const char* aggregation;
    Op op;
    double value;
  };
  const Case cases[] = {
      {"avg<200", "avg", Op::lt, 200},     {"med<=100", "med", Op::le, 100},
      {"min>0", "min", Op::gt, 0},         {"max<10s", "max", Op::lt, 10000},
      {"rate<0.01", "rate", Op::lt, 0.01}, {"count>100", "count", Op::gt, 100},
      {"value>=1", "value", Op::ge, 1},    {"p(0)>=0", "p(0)", Op::ge, 0},
      {"p(100)==7", "p(100)", Op::eq, 7},  {"avg!=3", "avg", Op::ne, 3},
  };
  for (const auto& c : cases) {
    const auto e = parse_threshold_expression(c.text);
    EXPECT_EQ(e.aggregation, c.aggregation) << c.text;
    EXPECT_EQ(e.op, c.op) << c.text;
    EXPECT_DOUBLE_EQ(e.value, c.value) << c.text;
  }
}

TEST(ThresholdExpr, ConvertsDurationUnitsToMilliseconds) {
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<250us").value, 0.25);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<250\xC2\xB5s").value, 0.25);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<1.5s").value, 1500);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<2m").value, 120000);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<1h").value, 3600000);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<42").value, 42);
}

TEST(ThresholdExpr, ParsesExponentsAndSignedNumbers) {
  EXPECT_DOUBLE_EQ(parse_threshold_expression("rate<1e-3").value, 0.001);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("count>2.5E+2").value, 250);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<1e3ms").value, 1000);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("value>-1.5").value, -1.5);
  EXPECT_DOUBLE_EQ(parse_threshold_expression("avg<.5s").value, 500);
}

TEST(ThresholdExpr, AcceptsStrictEqualitySpellings) {
  EXPECT_EQ(parse_threshold_expression("count===3").op, Op::eq);
  EXPECT_EQ(parse_threshold_expression("count!==3").op, Op::ne);
}

TEST(ThresholdExpr, RejectsEmpty) {
  EXPECT_THAT(expr_error(""), HasSubstr("empty threshold expression"));
  EXPECT_THAT(expr_error("   "), HasSubstr("empty threshold expression"));
}

TEST(ThresholdExpr, RejectsUnknownAggregationWithSuggestion) {
  const std::string p95 = expr_error("p95<5");
  EXPECT_THAT(p95, HasSubstr("unknown aggregation \"p95\""));
  EXPECT_THAT(p95, HasSubstr("did you mean \"p(95)\""));
  EXPECT_THAT(expr_error("p99.9<5"), HasSubstr("did you mean \"p(99.9)\""));
  const std::string avrg = expr_error("avrg<5");
  EXPECT_THAT(avrg, HasSubstr("unknown aggregation \"avrg\""));
  EXPECT_THAT(avrg, HasSubstr("did you mean \"avg\""));
  const std::string unrelated = expr_error("throughput>5");
  EXPECT_THAT(unrelated, HasSubstr("unknown aggregation \"throughput\""));
  EXPECT_EQ(unrelated.find("did you mean"), std::string::npos) << unrelated;
  EXPECT_THAT(expr_error("q(95)<5"), HasSubstr("only p(N) takes an argument"));
  EXPECT_THAT(expr_error("p<5"), HasSubstr("p needs a percentile"));
  EXPECT_THAT(expr_error("<5"), HasSubstr("missing aggregation"));
}

TEST(ThresholdExpr, RejectsPercentileOutOfRangeOrMalformed) {
  EXPECT_THAT(expr_error("p(101)<5"), HasSubstr("outside [0, 100]"));
  EXPECT_THAT(expr_error("p(-1)<5"), HasSubstr("outside [0, 100]"));
  EXPECT_THAT(expr_error("p(abc)<5"), HasSubstr("is not a number"));
  EXPECT_THAT(expr_error("p()<5"), HasSubstr("is not a number"));
  EXPECT_THAT(expr_error("p(95<5"), HasSubstr("missing \")\""));
}

TEST(ThresholdExpr, RejectsMissingOperator) {
  EXPECT_THAT(expr_error("avg"), HasSubstr("missing comparison operator"));
  EXPECT_THAT(expr_error("p(95) 5000"), HasSubstr("missing comparison operator"));
  EXPECT_THAT(expr_error("avg=5"), HasSubstr("did you mean \"==\""));
}

TEST(ThresholdExpr, RejectsMissingOrGarbageValue) {
  EXPECT_THAT(expr_error("avg<"), HasSubstr("missing value after \"<\""));
  EXPECT_THAT(expr_error("avg<=  "), HasSubstr("missing value after \"<=\""));
  EXPECT_THAT(expr_error("avg<abc"), HasSubstr("expected a number after \"<\", got \"abc\""));
  EXPECT_THAT(expr_error("avg<."), HasSubstr("expected a number"));
  EXPECT_THAT(expr_error("avg<1e999"), HasSubstr("out of range"));
}

TEST(ThresholdExpr, RejectsUnitOnRateOrCount) {
  EXPECT_THAT(expr_error("rate<5ms"), HasSubstr("a rate takes a plain number"));
  EXPECT_THAT(expr_error("count>1s"), HasSubstr("a count takes a plain number"));
}

TEST(ThresholdExpr, RejectsUnknownUnitAndTrailingJunk) {
  EXPECT_THAT(expr_error("avg<5sec"), HasSubstr("unknown unit \"sec\""));
  EXPECT_THAT(expr_error("avg<5ms extra"), HasSubstr("unexpected \"extra\" after the value"));
  EXPECT_THAT(expr_error("avg<5 < 6"), HasSubstr("unexpected \"< 6\""));
  EXPECT_THAT(expr_error("avg<5)"), HasSubstr("unexpected \")\""));
}

TEST(ThresholdExpr, ErrorsQuoteTheExpression) {
  EXPECT_THAT(expr_error("p95<5"), HasSubstr("threshold \"p95<5\": "));
}

TEST(ThresholdExpr, PassesComparesObservedAgainstValue) {
  EXPECT_TRUE(parse_threshold_expression("p(95)<500").passes(499.9));
  EXPECT_FALSE(parse_threshold_expression("p(95)<500").passes(500));
  EXPECT_TRUE(parse_threshold_expression("p(95)<=500").passes(500));
  EXPECT_FALSE(parse_threshold_expression("count>100").passes(100));
  EXPECT_TRUE(parse_threshold_expression("count>=100").passes(100));
  EXPECT_TRUE(parse_threshold_expression("value==1").passes(1));
  EXPECT_FALSE(parse_threshold_expression("value!=1").passes(1));
  EXPECT_FALSE(parse_threshold_expression("rate<0.01").passes(std::nan("")));
  EXPECT_FALSE(parse_threshold_expression("rate!=0.01").passes(std::nan("")));
}

TEST(ThresholdExpr, OperatorNames) {
  EXPECT_STREQ(to_string(Op::lt), "<");
  EXPECT_STREQ(to_string(Op::ge), ">=");
  EXPECT_STREQ(to_string(Op::ne), "!=");
}

TEST(MetricSelector, ParsesPlainMetric) {
  const auto s = parse_metric_selector("http_req_duration");
  EXPECT_EQ(s.metric, "http_req_duration");
  EXPECT_TRUE(s.tags.empty());
  EXPECT_EQ(s.key, "http_req_duration");
}

TEST(MetricSelector, ParsesTags) {
  const auto one = parse_metric_selector("http_req_duration{name:metrics}");
  EXPECT_EQ(one.metric, "http_req_duration");
  ASSERT_EQ(one.tags.size(), 1U);
  EXPECT_EQ(one.tags.at("name"), "metrics");
  EXPECT_EQ(one.key, "http_req_duration{name:metrics}");

  const auto two = parse_metric_selector("http_req_duration{scenario:stress,name:metrics}");
  EXPECT_EQ(two.tags.at("scenario"), "stress");
  EXPECT_EQ(two.tags.at("name"), "metrics");
  EXPECT_EQ(two.key, "http_req_duration{name:metrics,scenario:stress}");
}

TEST(MetricSelector, SpacesAreIgnoredAndKeyIsCanonical) {
  const auto a = parse_metric_selector("  http_req_duration { scenario : stress , name: metrics }  ");
  const auto b = parse_metric_selector("http_req_duration{name:metrics,scenario:stress}");
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.metric, "http_req_duration");
}

TEST(MetricSelector, TagValuesMayContainColons) {
  const auto s = parse_metric_selector("http_req_duration{url:http://127.0.0.1:8080/metrics}");
  EXPECT_EQ(s.tags.at("url"), "http://127.0.0.1:8080/metrics");
  EXPECT_EQ(parse_metric_selector("checks{group:::setup}").tags.at("group"), "::setup");
}

TEST(MetricSelector, RejectsMalformedSelectors) {
  EXPECT_THAT(selector_error(""), HasSubstr("empty metric selector"));
  EXPECT_THAT(selector_error("{"), HasSubstr("missing metric name"));
  EXPECT_THAT(selector_error("{name:x}"), HasSubstr("missing metric name"));
  EXPECT_THAT(selector_error("m{name}"), HasSubstr("tag \"name\" has no value"));
  EXPECT_THAT(selector_error("m{:x}"), HasSubstr("has no name"));
  EXPECT_THAT(selector_error("m{name:}"), HasSubstr("empty value"));
  EXPECT_THAT(selector_error("m{}"), HasSubstr("empty tag list"));
  EXPECT_THAT(selector_error("m{name:x"), HasSubstr("missing closing \"}\""));
  EXPECT_THAT(selector_error("m}"), HasSubstr("without a matching \"{\""));
  EXPECT_THAT(selector_error("m{a:{b}}"), HasSubstr("unbalanced or nested braces"));
  EXPECT_THAT(selector_error("m{a:b}}"), HasSubstr("unbalanced or nested braces"));
  EXPECT_THAT(selector_error("m{a:b,,c:d}"), HasSubstr("empty tag"));
  EXPECT_THAT(selector_error("m{a:b,a:c}"), HasSubstr("given twice"));
  EXPECT_THAT(selector_error("http-req"), HasSubstr("invalid metric name \"http-req\""));
  EXPECT_THAT(selector_error("9lives"), HasSubstr("invalid metric name"));
  EXPECT_THAT(selector_error("m{na me:x}"), HasSubstr("invalid tag name"));
  EXPECT_THAT(selector_error("m{name:x} extra"), HasSubstr("missing closing"));
}

TEST(EvaluateThresholds, CallsLookupForEachThresholdAndJudges) {
  std::vector<Threshold> thresholds(3);
  thresholds[0].selector = parse_metric_selector("http_req_duration{name:metrics}");
  thresholds[0].expr = parse_threshold_expression("p(95)<500");
  thresholds[1].selector = parse_metric_selector("http_req_failed");
  thresholds[1].expr = parse_threshold_expression("rate<0.01");
  thresholds[2].selector = parse_metric_selector("missing_metric");
  thresholds[2].expr = parse_threshold_expression("count>0");

  std::vector<std::string> asked;
  const auto lookup = [&](const MetricSelector& s, const ThresholdExpr& e) -> std::optional<double> {
    asked.push_back(s.key + " " + e.aggregation);
    if (s.metric == "http_req_duration") return 420.0;
    if (s.metric == "http_req_failed") return 0.05;
    return std::nullopt;
  };
  const auto results = evaluate_thresholds(thresholds, lookup);
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(asked, (std::vector<std::string>{"http_req_duration{name:metrics} p(95)", "http_req_failed rate",
                                              "missing_metric count"}));
  EXPECT_EQ(results[0].threshold, &thresholds[0]);
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[0].observed, 420.0);
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].observed, 0.05);
  EXPECT_FALSE(results[2].ok);
  EXPECT_FALSE(results[2].observed.has_value());
}

TEST(EvaluateThresholds, EmptyListGivesNoResults) {
  const auto results = evaluate_thresholds({}, [](const MetricSelector&, const ThresholdExpr&) {
    ADD_FAILURE() << "lookup called";
    return std::optional<double>(1.0);
  });
  EXPECT_TRUE(results.empty());
}

}  // namespace
}  // namespace perfval::loadgen

// Fuzz target: the threshold expression parser ("p(95)<5s") and metric selectors ("m{name:x}"). Bad text
// must be a perfval::Error; a parsed expression must re-parse from its own source to the same value, and its
// comparison must agree with its operator.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/threshold.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace perfval::loadgen;
using perfval::fuzz::require;

void check_expression(std::string_view text) {
  ThresholdExpr e;
  try {
    e = parse_threshold_expression(text);
  } catch (const perfval::Error&) {
    return;
  }
  require(!e.aggregation.empty(), "an expression without aggregation");
  if (e.aggregation.rfind("p(", 0) == 0) require(e.percentile >= 0 && e.percentile <= 100, "percentile outside 0-100");
  const ThresholdExpr again = parse_threshold_expression(e.source);
  require(again.aggregation == e.aggregation && again.op == e.op, "expression re-parses differently");
  require(perfval::fuzz::close_enough(again.value, e.value) && again.percentile == e.percentile,
          "expression value re-parses differently");
  if (!std::isfinite(e.value)) return;
  // The threshold value itself passes exactly the operators that include equality.
  const bool at = e.passes(e.value);
  const bool inclusive = e.op == ThresholdExpr::Op::le || e.op == ThresholdExpr::Op::ge || e.op == ThresholdExpr::Op::eq;
  require(at == inclusive, "passes(value) disagrees with the operator");
}

void check_selector(std::string_view text) {
  MetricSelector s;
  try {
    s = parse_metric_selector(text);
  } catch (const perfval::Error&) {
    return;
  }
  require(!s.metric.empty(), "a selector without metric");
  const MetricSelector again = parse_metric_selector(s.key);
  require(again.key == s.key && again.tags == s.tags && again.metric == s.metric, "selector key re-parses differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = perfval::fuzz::as_text(data, size);
  check_expression(text);
  check_selector(text);
  return 0;
}

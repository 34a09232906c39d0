// Test helper: a threshold as a scenario's `thresholds:` entry would give it ("checks", "rate>0.99").
#pragma once

#include <string>

#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen::test {

inline Threshold threshold(const std::string& metric, const std::string& expr) {
  Threshold t;
  t.selector = parse_metric_selector(metric);
  t.expr = parse_threshold_expression(expr, threshold_unit(metric));
  return t;
}

}  // namespace perfval::loadgen::test

// Run summaries for the HTML report tests, written by the real summary writer (loadgen::summary_to_json).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "perfval/loadgen/scenario.hpp"
#include "perfval/loadgen/summary.hpp"

namespace perfval::report::testing {

struct RunShape {
  int seconds = 30;            // length of the per-second series
  int names = 2;               // request names
  bool open_model = true;      // constant-arrival-rate (uncorrected latency reported)
  double rps = 100;            // requests per second
  int stall_every = 10;        // seconds between one-second stalls (0: none)
  double stall_ms = 900;       // p99 during a stall
  bool failing = true;         // the p(95) threshold fails
};

inline std::string plan_yaml(const RunShape& shape) {
  std::string yaml = "name: fixture-run\ndescription: a fixture for the HTML tests\ntarget: {base_url: \"${TARGET_URL:-http://127.0.0.1:9}\"}\n"
                     "requests:\n";
  for (int i = 0; i < shape.names; ++i) yaml += "  - {name: req" + std::to_string(i) + ", path: /r" + std::to_string(i) + "}\n";
  if (shape.open_model) {
    yaml += "executor: constant-arrival-rate\nrate: " + std::to_string(std::max(1, static_cast<int>(shape.rps))) +
            "\ntimeUnit: 1s\nduration: " + std::to_string(shape.seconds) + "s\npreAllocatedVUs: 10\nmaxVUs: 50\n";
  } else {
    yaml += "executor: constant-vus\nvus: 4\nduration: " + std::to_string(shape.seconds) + "s\n";
  }
  return yaml + "thresholds:\n  http_req_duration: [\"p(95)<300ms\", \"p(99)<2s\"]\n  http_req_failed: [\"rate<0.01\"]\n";
}

// A run with `shape`: every second `rps` requests at ~5 ms, stalled seconds at stall_ms, and its thresholds judged.
inline nlohmann::json summary_doc(const RunShape& shape) {
  const loadgen::TestPlan plan = loadgen::parse_test_plan(plan_yaml(shape), "scenarios/fixture.yaml");
  loadgen::RunSummary s;
  s.file = plan.file;
  s.name = plan.name;
  s.description = plan.description;
  s.scenarios = plan.scenarios;
  s.threshold_specs = plan.thresholds;
  s.duration = shape.seconds;
  s.open_model = shape.open_model;
  s.started_at = std::chrono::system_clock::time_point(std::chrono::seconds(1764590400));
  s.totals = loadgen::Stats(static_cast<std::size_t>(shape.names));
  for (int i = 0; i < shape.names; ++i) s.catalog.entries.push_back({plan.scenarios[0].name, "req" + std::to_string(i)});
  for (int t = 0; t < shape.seconds; ++t) {
    const bool stalled = shape.stall_every > 0 && t % shape.stall_every == 0;
    loadgen::IntervalSample x;
    x.t = t + 1;
    x.requests = static_cast<std::uint64_t>(shape.rps);
    x.p50 = stalled ? shape.stall_ms / 2 : 5;
    x.p95 = stalled ? shape.stall_ms * 0.95 : 9;
    x.p99 = stalled ? shape.stall_ms : 12;
    x.vus = stalled ? 40 : 3;
    s.timeseries.push_back(x);
    for (int k = 0; k < static_cast<int>(shape.rps); ++k) {
      auto& r = s.totals.by_request[static_cast<std::size_t>(k % shape.names)];
      const double ms = stalled ? shape.stall_ms * (0.5 + 0.5 * k / shape.rps) : 4 + 8.0 * k / shape.rps;
      r.duration.record(static_cast<std::int64_t>(ms * 1000 * (shape.failing ? 1 : 0.1)));
      if (shape.open_model) r.duration_uncorrected.record(static_cast<std::int64_t>(ms * 800));
      ++r.requests;
      r.status.add(200);
      r.bytes_received += 1000;
    }
  }
  s.totals.iterations = s.totals.total().requests;
  s.vus_max = 50;
  loadgen::evaluate_summary_thresholds(s);
  return loadgen::summary_to_json(s);
}

// Occurrences of `needle` in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace perfval::report::testing

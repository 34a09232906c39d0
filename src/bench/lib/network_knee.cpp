// The in-flight sweep's knee from the benchmark rows: medians per level over every repetition and process.
#include "perfval/bench/network_knee.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "perfval/bench/percentiles.hpp"

namespace perfval::bench {
namespace {

constexpr std::string_view kPrefix = "network/in_flight/";

// N of a "network/in_flight/N/manual_time" row, or 0.
int level_of(const std::string& run_name) {
  if (run_name.rfind(kPrefix, 0) != 0) return 0;
  const std::string rest = run_name.substr(kPrefix.size());
  int n = 0;
  return std::sscanf(rest.c_str(), "%d", &n) == 1 ? n : 0;
}

struct Samples {
  std::vector<double> rps;     // requests per second, one per iteration row
  std::vector<double> p95_ms;  // milliseconds, one per iteration row
  std::uint64_t requests = 0;  // iterations (requests) over the rows
};

}  // namespace

std::optional<InFlightKnee> in_flight_knee(const nlohmann::json& doc) {
  std::map<int, Samples> by_level;
  for (const auto& row : doc.value("benchmarks", nlohmann::json::array())) {
    if (row.value("run_type", "") != "iteration" || row.value("error_occurred", false)) continue;
    const int n = level_of(row.value("run_name", row.value("name", std::string())));
    if (n <= 0 || !row.contains("requests_per_second") || !row.contains("latency_p95_ms")) continue;
    Samples& s = by_level[n];
    s.rps.push_back(row["requests_per_second"].get<double>());
    s.p95_ms.push_back(row["latency_p95_ms"].get<double>());
    s.requests += row.value("iterations", std::uint64_t{0});
  }
  if (by_level.size() < 2) return std::nullopt;
  InFlightKnee k;
  for (auto& [n, s] : by_level) {
    loadgen::StepResult r;
    r.vus = n;
    r.rps = percentile(s.rps, 50);
    r.p95_ms = percentile(s.p95_ms, 50);
    r.requests = s.requests;
    k.levels.push_back(r);
  }
  k.knee = loadgen::knee_of(k.levels);
  return k;
}

std::string knee_line(const InFlightKnee& k) {
  char head[160];
  if (k.knee.status == "found") {
    const auto& at = k.levels[static_cast<std::size_t>(*k.knee.step - 1)];
    std::snprintf(head, sizeof head, "network/in_flight: knee at %.0f in flight (%.0f req/s, p95 %.3g ms): ", at.vus,
                  at.rps, at.p95_ms);
    return head + k.knee.reason;
  }
  const auto& last = k.levels.back();
  std::snprintf(head, sizeof head,
                "network/in_flight: no knee up to %.0f in flight (%.0f req/s, p95 %.3g ms): throughput kept growing "
                "with the requests in flight, or p95 did not climb",
                last.vus, last.rps, last.p95_ms);
  return head;
}

}  // namespace perfval::bench

// The knee of the network benchmarks' in-flight sweep (network/in_flight/N): where throughput stops growing as
// more requests are in flight while p95 climbs, judged by the rule `perfval run` applies to load steps.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "perfval/loadgen/knee.hpp"

namespace perfval::bench {

struct InFlightKnee {
  std::vector<loadgen::StepResult> levels;  // one per N that ran without error, in increasing N: vus = N,
                                            // rps = median requests_per_second, p95_ms = median latency_p95_ms
  loadgen::Knee knee;                       // loadgen::knee_of(levels)
};

// From a Google Benchmark JSON document (one process or merged): nullopt when fewer than two levels ran.
std::optional<InFlightKnee> in_flight_knee(const nlohmann::json& doc);

// One line for the console: "network/in_flight: knee at 8 in flight (21000 req/s, p95 0.52 ms): from 8 VUs to
// 16 VUs (+100 %) throughput grew 4 % while p95 rose 96 %", or "... no knee up to 64 in flight: ...".
std::string knee_line(const InFlightKnee& k);

}  // namespace perfval::bench

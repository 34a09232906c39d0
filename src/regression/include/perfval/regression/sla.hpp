// SLA tiers by cluster size and the limits each tier sets on latency, throughput, memory and errors.
#pragma once

#include <optional>
#include <string>

namespace perfval::regression {

enum class SlaTier { small, medium, large };

struct SlaLimits {
  double max_p95_ms = 0;         // http_req_duration p(95) must stay below this, milliseconds
  double min_rps = 0;            // http_reqs rate must stay above this, requests per second
  double max_memory_bytes = 0;   // target memory must stay below this, bytes
  double max_error_pct = 0;      // http_req_failed rate must stay below this, percent of requests
};

// small: < 1,000 nodes; medium: 1,000 to 5,000; large: > 5,000.
SlaTier tier_for_nodes(double nodes);
SlaLimits limits_for(SlaTier tier);
std::string to_string(SlaTier tier);                       // "small", "medium", "large"
std::optional<SlaTier> parse_sla_tier(const std::string& s);  // the same names

}  // namespace perfval::regression

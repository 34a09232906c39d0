// The SLA tier table (issue 4): limits tighten as the cluster gets smaller.
#include "perfval/regression/sla.hpp"

namespace perfval::regression {

namespace {
constexpr double mi = 1024.0 * 1024.0;
}

SlaTier tier_for_nodes(double nodes) {
  if (nodes < 1000) return SlaTier::small;
  if (nodes <= 5000) return SlaTier::medium;
  return SlaTier::large;
}

SlaLimits limits_for(SlaTier tier) {
  switch (tier) {
    case SlaTier::small: return {2000, 100, 512 * mi, 0.5};
    case SlaTier::medium: return {5000, 50, 1024 * mi, 1.0};
    case SlaTier::large: return {10000, 25, 2048 * mi, 2.0};
  }
  return {};
}

std::string to_string(SlaTier tier) {
  switch (tier) {
    case SlaTier::small: return "small";
    case SlaTier::medium: return "medium";
    case SlaTier::large: return "large";
  }
  return "unknown";
}

std::optional<SlaTier> parse_sla_tier(const std::string& s) {
  if (s == "small") return SlaTier::small;
  if (s == "medium") return SlaTier::medium;
  if (s == "large") return SlaTier::large;
  return std::nullopt;
}

}  // namespace perfval::regression

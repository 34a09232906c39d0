// Choosing the SLA tier for a run and attaching the tier's limits to the rows they govern.
#include <string>
#include <vector>

#include "perfval/regression/format.hpp"
#include "perfval/regression/gate.hpp"

namespace perfval::regression::detail {

std::optional<SlaTier> choose_tier(const BaselineFile& b, const RunResults& cur, const GateOptions& o,
                                   std::string& source) {
  if (o.sla_tier) {
    source = "--sla-tier " + to_string(*o.sla_tier);
    return o.sla_tier;
  }
  if (b.sla.tier) {
    source = "sla.tier in " + b.path;
    return b.sla.tier;
  }
  if (b.sla.nodes) {
    source = "sla.nodes = " + format_number(*b.sla.nodes) + " in " + b.path;
    return tier_for_nodes(*b.sla.nodes);
  }
  if (cur.target_nodes) {
    source = "target.nodes = " + format_number(*cur.target_nodes) + " in " + cur.label;
    return tier_for_nodes(*cur.target_nodes);
  }
  source = "cluster size unknown (no target.nodes in the summary; set sla.tier or sla.nodes in " + b.path +
           ", or --sla-tier)";
  return std::nullopt;
}

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void attach_sla(std::vector<MetricResult*>& rows, SlaTier tier) {
  const SlaLimits limits = limits_for(tier);
  for (MetricResult* row : rows) {
    const std::string& k = row->key;
    std::optional<double> limit;
    std::string op = "<";
    if (k.rfind("summary:", 0) == 0 && ends_with(k, ":http_req_duration:p(95)")) {
      limit = convert_unit(limits.max_p95_ms, "ms", row->unit);
    } else if (k.rfind("summary:", 0) == 0 && ends_with(k, ":http_reqs:rate")) {
      limit = convert_unit(limits.min_rps, "/s", row->unit), op = ">";
    } else if (k.rfind("summary:", 0) == 0 && ends_with(k, ":http_req_failed:rate")) {
      limit = convert_unit(limits.max_error_pct, "%", row->unit);
    } else if (k.rfind("resource:", 0) == 0 && ends_with(k, ":memory_bytes")) {
      limit = convert_unit(limits.max_memory_bytes, "bytes", row->unit);
    }
    if (!limit) continue;
    row->sla_limit = limit;
    row->sla_op = op;
  }
}

}  // namespace perfval::regression::detail

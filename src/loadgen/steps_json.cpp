// The `steps`, `capacity_found` and `knee` members of perfval/summary/v1 (docs/results.md#steps), both ways.
#include "steps_json.hpp"

#include "perfval/common/error.hpp"

namespace perfval::loadgen::detail {

namespace {
using json = nlohmann::json;

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json optional_json(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json step_json(const StepResult& r) {
  json failed = json::array();
  for (const auto& f : r.failed_thresholds) {
    failed.push_back({{"metric", f.metric}, {"expression", f.expression}, {"observed", optional_json(f.observed)},
                      {"text", f.text}});
  }
  return {{"stage", r.stage},       {"start_s", r.start_s},   {"end_s", r.end_s},
          {"vus", r.vus},           {"rate", optional_json(r.rate)}, {"rps", r.rps},
          {"p50_ms", r.p50_ms},     {"p95_ms", r.p95_ms},     {"p99_ms", r.p99_ms},
          {"error_rate", r.error_rate}, {"requests", r.requests}, {"dropped", r.dropped},
          {"complete", r.complete}, {"sla_ok", r.sla_ok},     {"failed_thresholds", failed}};
}

json capacity_json(const CapacityFound& c, const std::vector<StepResult>& steps) {
  json o = {{"status", c.status}, {"basis", c.basis}, {"step", optional_json(c.step)}, {"vus", nullptr},
            {"rate", optional_json(c.rate)}, {"rps", nullptr}, {"reason", c.reason}, {"broke_at", nullptr}};
  if (c.step) {
    o["vus"] = c.vus;
    o["rps"] = c.rps;
  }
  if (c.broke_step) {
    const StepResult& b = steps[static_cast<std::size_t>(*c.broke_step - 1)];
    o["broke_at"] = {{"step", *c.broke_step}, {"vus", b.vus}, {"rate", optional_json(b.rate)}, {"reason", c.broke_reason}};
  }
  return o;
}

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& why) {
  throw Error(SourceLocation{file, 0, 0}, field, why);
}

std::optional<double> opt_number(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::nullopt;
  return it->get<double>();
}

std::optional<int> opt_int(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::nullopt;
  return it->get<int>();
}

StepResult read_step(const json& j) {
  StepResult r;
  r.stage = j.at("stage").get<int>();
  r.start_s = j.at("start_s").get<double>();
  r.end_s = j.at("end_s").get<double>();
  r.vus = j.at("vus").get<double>();
  r.rate = opt_number(j, "rate");
  r.rps = j.at("rps").get<double>();
  r.p50_ms = j.at("p50_ms").get<double>();
  r.p95_ms = j.at("p95_ms").get<double>();
  r.p99_ms = j.at("p99_ms").get<double>();
  r.error_rate = j.at("error_rate").get<double>();
  r.requests = j.value("requests", std::uint64_t{0});
  r.dropped = j.value("dropped", std::uint64_t{0});
  r.complete = j.value("complete", true);
  r.sla_ok = j.at("sla_ok").get<bool>();
  for (const auto& f : j.value("failed_thresholds", json::array())) {
    r.failed_thresholds.push_back({f.value("metric", ""), f.value("expression", ""), opt_number(f, "observed"),
                                   f.value("text", "")});
  }
  return r;
}
}  // namespace

void add_steps_json(json& doc, const RunSummary& s) {
  if (!s.capacity_found) return;
  json steps = json::array();
  for (const auto& r : s.steps) steps.push_back(step_json(r));
  doc["steps"] = steps;
  doc["capacity_found"] = capacity_json(*s.capacity_found, s.steps);
  if (s.knee) {
    doc["knee"] = {{"status", s.knee->status}, {"step", optional_json(s.knee->step)},
                   {"vus", s.knee->step ? json(s.knee->vus) : json(nullptr)}, {"rate", optional_json(s.knee->rate)},
                   {"rps", s.knee->step ? json(s.knee->rps) : json(nullptr)}, {"reason", s.knee->reason}};
  }
}

void read_steps_json(const json& doc, const std::string& file, RunSummary& s) {
  if (!doc.contains("capacity_found")) return;
  std::string field = "steps";
  try {
    for (std::size_t i = 0; i < doc.at("steps").size(); ++i) {
      field = "steps[" + std::to_string(i) + "]";
      s.steps.push_back(read_step(doc["steps"][i]));
    }
    field = "capacity_found";
    const json& c = doc.at("capacity_found");
    CapacityFound a;
    a.status = c.at("status").get<std::string>();
    a.basis = c.value("basis", "plateaus");
    a.step = opt_int(c, "step");
    a.vus = opt_number(c, "vus").value_or(0);
    a.rate = opt_number(c, "rate");
    a.rps = opt_number(c, "rps").value_or(0);
    a.reason = c.value("reason", "");
    if (c.contains("broke_at") && c["broke_at"].is_object()) {
      a.broke_step = c["broke_at"].at("step").get<int>();
      a.broke_reason = c["broke_at"].value("reason", "");
      if (*a.broke_step < 1 || static_cast<std::size_t>(*a.broke_step) > s.steps.size()) {
        fail(file, "capacity_found.broke_at.step", "names no step of `steps`");
      }
    }
    s.capacity_found = a;
    if (doc.contains("knee") && doc["knee"].is_object()) {
      field = "knee";
      const json& k = doc["knee"];
      s.knee = Knee{k.at("status").get<std::string>(), opt_int(k, "step"), opt_number(k, "vus").value_or(0),
                    opt_number(k, "rate"), opt_number(k, "rps").value_or(0), k.value("reason", "")};
    }
  } catch (const json::exception& e) {
    fail(file, field, std::string("malformed: ") + e.what());
  }
}

}  // namespace perfval::loadgen::detail

// Reading, validating and rewriting baselines files.
#include "perfval/regression/baseline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "perfval/common/atomic_file.hpp"
#include "perfval/common/size.hpp"
#include "perfval/common/yaml_reader.hpp"

namespace perfval::regression {

std::string MetricSource::describe() const {
  const std::string in_scenario = scenario.empty() ? "" : " (scenario " + scenario + ")";
  switch (kind) {
    case Kind::lookup: return "well-known metric or benchmark counter";
    case Kind::benchmark: return "benchmark " + name + " " + (field.empty() ? "real_time" : field);
    case Kind::summary: return "summary metric " + name + " " + field + in_scenario;
    case Kind::resource: return "summary resources." + name + in_scenario;
  }
  return "";
}

namespace {

const std::vector<std::string> entry_keys{"metric", "baseline", "tolerance", "unit", "direction", "source",
                                          "description"};

MetricSource parse_source(const YamlValue& v) {
  v.expect_map();
  v.check_keys({"benchmark", "counter", "summary", "field", "resource", "scenario"});
  MetricSource s;
  const int kinds = int(v.has("benchmark")) + int(v.has("summary")) + int(v.has("resource"));
  if (kinds != 1) v.fail("give exactly one of benchmark, summary or resource");
  if (auto b = v.get("benchmark")) {
    if (v.has("field")) v.require("field").fail("a benchmark source takes counter:, not field:");
    s.kind = MetricSource::Kind::benchmark;
    s.name = b->as_string();
    s.field = v.has("counter") ? v.require("counter").as_string() : "real_time";
    if (v.has("scenario")) v.require("scenario").fail("scenario applies to summary and resource sources");
    return s;
  }
  if (v.has("counter")) v.require("counter").fail("counter: applies to benchmark sources (use field:)");
  if (auto sm = v.get("summary")) {
    s.kind = MetricSource::Kind::summary;
    s.name = sm->as_string();
    s.field = v.require("field").as_string();
  } else {
    if (v.has("field")) v.require("field").fail("a resource source takes no field:");
    s.kind = MetricSource::Kind::resource;
    s.name = v.require("resource").as_string();
  }
  if (auto sc = v.get("scenario")) s.scenario = sc->as_string();
  return s;
}

double parse_baseline_value(const YamlValue& v) {
  if (v.is_scalar()) {
    if (auto bytes = parse_bytes(v.as_string()); bytes && v.as_string().find_first_of("KMGTkiB") != std::string::npos)
      return *bytes;
  }
  return v.as_double();
}

BaselineEntry parse_entry(const std::string& key, const YamlValue& v) {
  v.expect_map();
  v.check_keys(entry_keys);
  BaselineEntry e;
  e.name = key;
  e.where = v.location();
  e.metric = v.require("metric").as_string();
  const YamlValue base = v.require("baseline");
  e.baseline = parse_baseline_value(base);
  e.value_offset = static_cast<std::size_t>(std::max(0, base.raw().Mark().pos));
  const YamlValue tol = v.require("tolerance");
  e.tolerance_pct = tol.as_percent();
  if (e.tolerance_pct < 0) tol.fail("must not be negative");
  e.unit = v.require("unit").as_string();
  if (auto d = v.get("direction")) {
    const auto parsed = parse_direction(d->as_string());
    if (!parsed) d->fail("expected higher_is_better or lower_is_better, got \"" + d->as_string() + "\"");
    e.direction = *parsed;
  } else if (auto inferred = direction_from_unit(e.unit)) {
    e.direction = *inferred;
    e.direction_inferred = true;
  } else {
    v.require("unit").fail("cannot tell from unit \"" + e.unit +
                           "\" whether higher or lower is better; add direction: higher_is_better or "
                           "direction: lower_is_better");
  }
  if (auto s = v.get("source")) e.source = parse_source(*s);
  return e;
}

SlaSettings parse_sla(const YamlValue& v) {
  v.expect_map();
  v.check_keys({"tier", "nodes"});
  SlaSettings s;
  if (auto t = v.get("tier")) {
    const std::string name = t->as_string();
    if (name != "auto") {
      s.tier = parse_sla_tier(name);
      if (!s.tier) t->fail("expected small, medium, large or auto, got \"" + name + "\"");
    }
  }
  if (auto n = v.get("nodes")) s.nodes = n->as_positive_double();
  return s;
}

}  // namespace

BaselineFile parse_baselines(const std::string& text, const std::string& path) {
  const YamlValue root = YamlValue::load_string(text, path);
  BaselineFile file;
  file.path = path;
  file.text = text;
  if (root.is_null()) return file;
  root.expect_map();
  for (const auto& [key, value] : root.entries()) {
    if (key == "sla") {
      file.sla = parse_sla(value);
      continue;
    }
    file.entries.push_back(parse_entry(key, value));
  }
  return file;
}

BaselineFile load_baselines(const std::string& path) { return parse_baselines(read_file(path), path); }

std::string format_baseline_number(double value) {
  if (value == 0 || !std::isfinite(value)) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
  const int decimals = std::clamp(3 - magnitude, 0, 12);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

namespace {

// Length of the scalar starting at `pos`: a quoted string to its closing quote, else a plain scalar up to
// a flow separator, a comment or the end of the line.
std::size_t scalar_length(const std::string& text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const char q = text[pos];
  if (q == '"' || q == '\'') {
    const std::size_t end = text.find(q, pos + 1);
    return end == std::string::npos ? text.size() - pos : end + 1 - pos;
  }
  std::size_t end = pos;
  while (end < text.size() && text[end] != '\n' && text[end] != ',' && text[end] != '}' &&
         !(text[end] == '#' && end > pos && text[end - 1] == ' '))
    ++end;
  while (end > pos && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r')) --end;
  return end - pos;
}

}  // namespace

std::string update_baseline_text(const BaselineFile& file, const std::map<std::string, double>& new_values) {
  std::vector<const BaselineEntry*> order;
  for (const auto& e : file.entries)
    if (new_values.count(e.name)) order.push_back(&e);
  // Replace from the end so earlier offsets stay valid.
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->value_offset > b->value_offset; });
  std::string text = file.text;
  for (const BaselineEntry* e : order)
    text.replace(e->value_offset, scalar_length(text, e->value_offset), format_baseline_number(new_values.at(e->name)));
  return text;
}

}  // namespace perfval::regression

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
    case Kind::benchmark: return "benchmark " + name + " " + (field.empty() ? "time" : field);
    case Kind::summary: return "summary metric " + name + " " + field + in_scenario;
    case Kind::resource: return "summary resources." + name + in_scenario;
  }
  return "";
}

namespace {

const std::vector<std::string> entry_keys{"metric", "baseline", "tolerance", "unit", "direction", "source",
                                          "description", "testbed"};

std::size_t offset_of(const YamlValue& v) { return static_cast<std::size_t>(std::max(0, v.raw().Mark().pos)); }

// A name the entry is matched or shown by, never empty ("", '', ~, a bare tag or only blanks): an empty benchmark,
// summary or resource matched nothing, and an empty counter or scenario silently meant the same as leaving it out.
// An optional field (counter, scenario) written as null is better left out, and the message says so.
std::string named(const YamlValue& v, bool optional = false) {
  if (v.is_null()) v.fail(optional ? "must not be empty (leave the field out instead)" : "must not be empty");
  std::string s = v.as_string();
  if (s.find_first_not_of(" \t") == std::string::npos) v.fail("must not be empty or blank");
  return s;
}

Testbed parse_testbed_value(const YamlValue& v) {
  const auto t = parse_testbed(v.as_string());
  if (!t) v.fail("expected \"CPU MODEL, N cores\" (e.g. \"AMD EPYC 7B13, 8 cores\"), got \"" + v.as_string() + "\"");
  return *t;
}

MetricSource parse_source(const YamlValue& v) {
  v.expect_map();
  v.check_keys({"benchmark", "counter", "summary", "field", "resource", "scenario"});
  MetricSource s;
  const int kinds = int(v.has("benchmark")) + int(v.has("summary")) + int(v.has("resource"));
  if (kinds != 1) v.fail("give exactly one of benchmark, summary or resource");
  if (auto b = v.get("benchmark")) {
    if (v.has("field")) v.require("field").fail("a benchmark source takes counter:, not field:");
    s.kind = MetricSource::Kind::benchmark;
    s.name = named(*b);
    if (auto c = v.get("counter")) s.field = named(*c, true);  // else its time, as it is judged
    if (v.has("scenario")) v.require("scenario").fail("scenario applies to summary and resource sources");
    return s;
  }
  if (v.has("counter")) v.require("counter").fail("counter: applies to benchmark sources (use field:)");
  if (auto sm = v.get("summary")) {
    s.kind = MetricSource::Kind::summary;
    s.name = named(*sm);
    s.field = named(v.require("field"));
  } else {
    if (v.has("field")) v.require("field").fail("a resource source takes no field:");
    s.kind = MetricSource::Kind::resource;
    s.name = named(v.require("resource"));
  }
  if (auto sc = v.get("scenario")) s.scenario = named(*sc, true);
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
  e.metric = named(v.require("metric"));
  const YamlValue base = v.require("baseline");
  e.baseline = parse_baseline_value(base);
  e.value_offset = offset_of(base);
  const YamlValue tol = v.require("tolerance");
  e.tolerance_pct = tol.as_percent();
  if (e.tolerance_pct < 0) tol.fail("must not be negative");
  e.unit = named(v.require("unit"));
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
  if (auto t = v.get("testbed")) e.testbed = parse_testbed_value(*t), e.testbed_offset = offset_of(*t);
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

// Start of the first line that holds a top-level key: not indented, not a comment, not a document marker.
std::size_t first_key_line(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const char c = text[at];
    if (at < end && c != ' ' && c != '\t' && c != '#' && c != '\r' && text.compare(at, 3, "---") != 0) return at;
    at = end + 1;
  }
  return text.size();
}

}  // namespace

BaselineFile parse_baselines(const std::string& text, const std::string& path) {
  const YamlValue root = YamlValue::load_string(text, path);
  BaselineFile file;
  file.path = path;
  file.text = text;
  if (root.is_null()) return file;
  root.expect_map();
  file.first_key_offset = first_key_line(text);
  for (const auto& [key, value] : root.entries()) {
    if (key == "sla") {
      file.sla = parse_sla(value);
    } else if (key == "testbed") {
      file.testbed = parse_testbed_value(value);
      file.testbed_offset = offset_of(value);
    } else {
      // The key is what reports show and --update-baseline finds the entry by.
      if (key.empty()) value.fail("an entry needs a name: its key is empty");
      file.entries.push_back(parse_entry(key, value));
    }
  }
  return file;
}

const Testbed& testbed_of(const BaselineFile& file, const BaselineEntry& entry) {
  return entry.testbed.known() ? entry.testbed : file.testbed;
}

std::optional<Testbed> parse_testbed(const std::string& fingerprint) {
  const auto comma = fingerprint.rfind(',');
  if (comma == std::string::npos || comma == 0) return std::nullopt;
  int cores = 0;
  char word[16] = {0};
  char tail = 0;
  if (std::sscanf(fingerprint.c_str() + comma + 1, " %d %15s %c", &cores, word, &tail) != 2 || cores < 1)
    return std::nullopt;
  if (std::string(word) != (cores == 1 ? "core" : "cores")) return std::nullopt;
  Testbed t;
  t.cpu_model = fingerprint.substr(0, comma);
  while (!t.cpu_model.empty() && t.cpu_model.back() == ' ') t.cpu_model.pop_back();
  t.cores = cores;
  if (!t.known()) return std::nullopt;
  return t;
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

std::string update_baseline_text(const BaselineFile& file, const std::map<std::string, double>& new_values,
                                 const Testbed& testbed) {
  // (offset, replacement) edits, applied from the end so earlier offsets stay valid.
  std::vector<std::pair<std::size_t, std::string>> edits;
  const std::string quoted = "\"" + testbed.fingerprint() + "\"";
  for (const auto& e : file.entries) {
    if (!new_values.count(e.name)) continue;
    edits.emplace_back(e.value_offset, format_baseline_number(new_values.at(e.name)));
    if (testbed.known() && e.testbed_offset) edits.emplace_back(*e.testbed_offset, quoted);
  }
  if (testbed.known() && file.testbed_offset) edits.emplace_back(*file.testbed_offset, quoted);
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string text = file.text;
  for (const auto& [at, value] : edits) text.replace(at, scalar_length(text, at), value);
  if (testbed.known() && !file.testbed_offset && !file.entries.empty())
    text.insert(file.first_key_offset, "testbed: " + quoted + "   # where the baseline values were measured\n");
  return text;
}

}  // namespace perfval::regression

// Reads and validates scenario files (docs/scenarios.md): target, request mix, scenarios and thresholds.
#include "perfval/loadgen/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/http/url.hpp"
#include "perfval/loadgen/request_template.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen {

namespace detail {

SourceLocation key_location(const YamlValue& map, const std::string& key) {
  if (map.is_map()) {
    for (auto it = map.raw().begin(); it != map.raw().end(); ++it) {
      if (it->first.Scalar() != key) continue;
      const YAML::Mark m = it->first.Mark();
      if (!m.is_null() && m.line >= 0) return {map.file(), m.line + 1, m.column + 1};
    }
  }
  return map.location();
}

void fail_at_key(const YamlValue& map, const std::string& key, const std::string& message) {
  throw Error(key_location(map, key), map.field().empty() ? key : map.field() + "." + key, message);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string literal_string(const YamlValue& node) {
  if (node.uses_env()) {
    node.fail("names and descriptions label every result, so they cannot take values from the environment "
              "(${...}); write them out");
  }
  return node.as_string();
}

std::string resolve_path(const YamlValue& node, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || path.empty()) return path;
  return (std::filesystem::path(node.file()).parent_path() / p).string();
}

}  // namespace detail

namespace {

using detail::fail_at_key;

// Keys a scenario may set for itself; the same keys at top level are inherited by every scenario.
const std::vector<std::string> kScenarioKeys = {"description", "target", "data", "requests", "think_time", "timeout"};
const std::vector<std::string> kFileKeys = {"name", "thresholds", "scenarios"};
const std::vector<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string validated_base_url(const YamlValue& node) {
  std::string url = node.as_string();
  std::string why;
  const auto parsed = http::parse_url(url, &why);
  if (!parsed) node.fail("invalid URL \"" + node.as_written() + "\": " + why);
  if (has_template(url)) node.fail("templates ({{...}}) are not allowed in base_url: the host is resolved once");
  if (parsed->target.find('?') != std::string::npos) {
    node.fail("a base URL cannot have a query: \"" + node.as_written() + "\"");
  }
  while (url.size() > 1 && url.back() == '/') url.pop_back();  // so base_url + "/metrics" has one slash
  return url;
}

target::ServeOptions parse_embedded(const YamlValue& node) {
  target::ServeOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  if (node.is_null()) return o;
  node.check_keys({"nodes", "latency", "error_rate", "stall", "threads", "seed"});
  if (auto v = node.get("nodes")) {
    const auto n = v->as_positive_int();
    if (n > 1'000'000) v->fail("at most 1000000 nodes are supported, got " + v->as_string());
    o.nodes = static_cast<int>(n);
  }
  if (auto v = node.get("latency")) {
    const auto spec = target::parse_latency_spec(v->as_string());
    if (!spec) {
      v->fail("invalid latency \"" + v->as_string() + "\"; use 50ms, uniform:10ms-50ms, normal:50ms/10ms, "
              "exponential:20ms or lognormal:20ms/200ms (median/p99)");
    }
    o.latency = *spec;
  }
  if (auto v = node.get("error_rate")) {
    o.error_rate = v->as_double();
    if (o.error_rate < 0 || o.error_rate > 1) v->fail("must be between 0 and 1, got " + v->as_string());
  }
  if (auto v = node.get("stall")) {
    const auto spec = target::parse_stall_spec(v->as_string());
    if (!spec) v->fail("invalid stall \"" + v->as_string() + "\"; use LENGTH/PERIOD with LENGTH < PERIOD, e.g. 500ms/5s");
    o.stall = *spec;
  }
  if (auto v = node.get("threads")) {
    const auto n = v->as_nonnegative_int();
    if (n > 1024) v->fail("at most 1024 threads, got " + v->as_string());
    o.threads = static_cast<int>(n);
  }
  if (auto v = node.get("seed")) o.seed = static_cast<std::uint64_t>(v->as_nonnegative_int());
  return o;
}

void parse_target(const YamlValue& node, Scenario& s) {
  node.check_keys({"base_url", "embedded", "ca_file", "unix_socket"});
  const auto url = node.get("base_url");
  const auto embedded = node.get("embedded");
  if (url && embedded) fail_at_key(node, "embedded", "set either base_url or embedded, not both");
  if (!url && !embedded) node.fail("needs base_url (a running server) or embedded (start one in-process)");
  s.base_url.clear();
  s.embedded.reset();
  if (url) s.base_url = validated_base_url(*url);
  s.base_url_as_written = url ? url->as_written() : "";
  if (embedded) s.embedded = parse_embedded(*embedded);
  detail::parse_target_transport(node, s);
}

std::vector<Header> parse_headers(const YamlValue& node) {
  std::vector<Header> headers;
  for (const auto& [name, value] : node.entries()) {
    const bool bad = name.empty() || name.find_first_of(" \t:\r\n") != std::string::npos;
    if (bad) fail_at_key(node, name, "invalid header name \"" + name + "\"");
    const std::string text = value.as_string();
    if (text.find_first_of("\r\n") != std::string::npos) value.fail("header values cannot contain line breaks");
    headers.push_back({name, text});
  }
  return headers;
}

RequestSpec parse_request(const YamlValue& node, const DataSource* data) {
  node.check_keys({"name", "method", "path", "weight", "headers", "body", "checks"});
  RequestSpec r;
  r.name = detail::literal_string(node.require("name"));
  if (r.name.empty()) node.require("name").fail("must not be empty");
  if (auto v = node.get("method")) {
    r.method = v->as_string();
    std::transform(r.method.begin(), r.method.end(), r.method.begin(), [](unsigned char c) { return std::toupper(c); });
    if (std::find(kMethods.begin(), kMethods.end(), r.method) == kMethods.end()) {
      v->fail("unknown HTTP method \"" + v->as_written() + "\"" + did_you_mean_suffix(r.method, kMethods) +
              "; methods are " + detail::join(kMethods));
    }
  }
  const YamlValue path = node.require("path");
  r.path = path.as_string();
  r.path_as_written = path.as_written();
  if (r.path.empty() || r.path.front() != '/') path.fail("must start with \"/\", got \"" + r.path_as_written + "\"");
  if (r.path.find_first_of(" \t\r\n") != std::string::npos) path.fail("must not contain spaces or line breaks");
  if (auto v = node.get("weight")) {
    const auto w = v->as_positive_int();
    if (w > std::numeric_limits<std::uint32_t>::max()) v->fail("weight is too large: " + v->as_string());
    r.weight = static_cast<std::uint32_t>(w);
  }
  if (auto v = node.get("headers"); v && !v->is_null()) r.headers = parse_headers(*v);
  if (auto v = node.get("body"); v && !v->is_null()) r.body = v->as_string();
  if (auto v = node.get("checks"); v && !v->is_null()) r.checks = parse_checks(*v);
  detail::check_request_templates(node, r, data);
  return r;
}

std::vector<RequestSpec> parse_requests(const YamlValue& node, const DataSource* data) {
  const auto items = node.items();
  if (items.empty()) node.fail("at least one request is required");
  std::vector<RequestSpec> out;
  for (const auto& item : items) {
    RequestSpec r = parse_request(item, data);
    for (const auto& other : out) {
      if (other.name == r.name) item.require("name").fail("duplicate request name \"" + r.name + "\"");
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Reads description/target/requests/think_time/timeout present in `map` into `s` (overriding inherited values).
void parse_scenario_fields(const YamlValue& map, Scenario& s) {
  if (auto v = map.get("description"); v && !v->is_null()) s.description = detail::literal_string(*v);
  if (auto v = map.get("target")) parse_target(*v, s);
  if (auto v = map.get("data")) {
    s.data = detail::parse_data(*v);
    if (!map.has("requests")) detail::recheck_templates(map, s.requests, *s.data);  // inherited requests
  }
  if (auto v = map.get("requests")) s.requests = parse_requests(*v, s.data ? &*s.data : nullptr);
  if (auto v = map.get("think_time")) s.think_time = v->as_duration();
  if (auto v = map.get("timeout")) s.timeout = v->as_positive_duration();
}

void check_complete(const YamlValue& map, const Scenario& s, const std::string& where) {
  if (s.base_url.empty() && !s.embedded) {
    throw Error(map.location(), map.field().empty() ? "target" : map.field() + ".target",
                "required field is missing" + where);
  }
  if (s.requests.empty()) {
    throw Error(map.location(), map.field().empty() ? "requests" : map.field() + ".requests",
                "required field is missing" + where);
  }
  detail::check_transport(map, s);
}

bool valid_scenario_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
  });
}

std::vector<Scenario> parse_named_scenarios(const YamlValue& root, const Scenario& defaults) {
  std::string stray;
  if (detail::has_executor_key(root, &stray)) {
    fail_at_key(root, stray, "executor options belong inside each entry of scenarios:, not at top level");
  }
  const YamlValue node = root.require("scenarios");
  const auto entries = node.entries();
  if (entries.empty()) node.fail("at least one scenario is required");
  std::vector<Scenario> out;
  for (const auto& [name, entry] : entries) {
    if (!valid_scenario_name(name)) fail_at_key(node, name, "scenario names may use letters, digits, _ - and .");
    entry.check_keys(concat(kScenarioKeys, detail::executor_keys()));
    Scenario s = defaults;
    s.name = name;
    parse_scenario_fields(entry, s);
    check_complete(entry, s, " (set it in this scenario or at top level)");
    s.executor = detail::parse_executor(entry);
    out.push_back(std::move(s));
  }
  return out;
}

std::string file_stem(const std::string& file) {
  const std::string stem = std::filesystem::path(file).stem().string();
  return stem.empty() ? "default" : stem;
}

TestPlan parse_root(const YamlValue& root) {
  if (root.is_null()) throw Error(root.file() + ": the scenario file is empty");
  if (!root.is_map()) root.fail("a scenario file must be a mapping of keys (name, target, requests, ...)");
  root.check_keys(concat(concat(concat(kFileKeys, kScenarioKeys), detail::executor_keys()), detail::tls_option_keys()));
  TestPlan plan;
  plan.file = root.file();
  plan.name = file_stem(plan.file);
  if (auto v = root.get("name"); v && !v->is_null()) plan.name = detail::literal_string(*v);
  Scenario defaults;
  detail::parse_tls_options(root, defaults.tls);  // k6 options: top level only, shared by every scenario
  parse_scenario_fields(root, defaults);
  plan.description = defaults.description;
  if (root.has("scenarios")) {
    plan.scenarios = parse_named_scenarios(root, defaults);
  } else {
    defaults.name = plan.name;
    check_complete(root, defaults, "");
    defaults.executor = detail::parse_executor(root);
    plan.scenarios.push_back(std::move(defaults));
  }
  if (auto v = root.get("thresholds")) plan.thresholds = detail::parse_thresholds(*v, plan.scenarios);
  plan.env = root.env_uses();
  return plan;
}

}  // namespace

const std::string& echo_base_url(const Scenario& s) {
  return s.base_url_as_written.empty() ? s.base_url : s.base_url_as_written;
}
const std::string& echo_path(const RequestSpec& r) { return r.path_as_written.empty() ? r.path : r.path_as_written; }

TestPlan load_test_plan(const std::string& path, const EnvLookup& env) {
  return parse_root(YamlValue::load_file(path, env));
}

TestPlan parse_test_plan(const std::string& yaml_text, const std::string& file_name, const EnvLookup& env) {
  return parse_root(YamlValue::load_string(yaml_text, file_name, env));
}

}  // namespace perfval::loadgen

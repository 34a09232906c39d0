// Reads a request's `checks:` block (docs/scenarios.md#checks) into compiled checks, rejecting bad input
// with file:line:column and field before the run.
#include <algorithm>
#include <limits>

#include "checks_internal.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen {

namespace {

using detail::fail_at_key;

// A scalar or a list of scalars, as a list.
std::vector<YamlValue> one_or_many(const YamlValue& v) {
  if (v.is_sequence()) {
    auto items = v.items();
    if (items.empty()) v.fail("expected at least one value");
    return items;
  }
  return {v};
}

bool metric_name(const std::string& s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && (i == 0 || c < '0' || c > '9')) return false;
  }
  return true;
}

void parse_status(const YamlValue& v, Check& c) {
  for (const auto& item : one_or_many(v)) {
    const auto code = item.as_int();
    if (code < 100 || code > 599) item.fail("a status code is between 100 and 599, got " + item.as_written());
    c.statuses.push_back(static_cast<unsigned>(code));
    c.expected += (c.expected.empty() ? "" : " or ") + item.as_written();
  }
  c.description = "status is " + c.expected;
}

void parse_header(const YamlValue& v, Check& c) {
  const auto entries = v.entries();
  if (entries.empty()) v.fail("expected header names with value patterns, e.g. {Content-Type: \"text/plain*\"}");
  for (const auto& [name, pattern] : entries) {
    const bool bad = name.empty() || name.find_first_of(" \t:\r\n\"(),/;<=>?@[\\]{}") != std::string::npos;
    if (bad) fail_at_key(v, name, "invalid header name \"" + name + "\"");
    c.headers.push_back({name, pattern.as_string(), pattern.as_written()});
    c.description += (c.description.empty() ? "header " : ", ") + name + " matches \"" + pattern.as_written() + "\"";
  }
}

void parse_body_contains(const YamlValue& v, Check& c) {
  for (const auto& item : one_or_many(v)) {
    std::string text = item.as_string();
    if (text.empty()) item.fail("an empty string is in every body; give the text to look for");
    c.needles.push_back(std::move(text));
    c.needles_written.push_back(item.as_written());
    c.description += (c.description.empty() ? "body contains \"" : ", \"") + item.as_written() + "\"";
  }
}

void parse_body_matches(const YamlValue& v, Check& c) {
  for (const auto& item : one_or_many(v)) {
    const std::string text = item.as_string();
    try {
      c.regexes.push_back({boost::regex(text, boost::regex::perl), item.as_written()});
    } catch (const boost::regex_error& e) {
      item.fail("invalid regular expression /" + item.as_written() + "/: " + e.what());
    }
    c.description += (c.description.empty() ? "body matches /" : ", /") + item.as_written() + "/";
  }
}

void parse_json(const YamlValue& v, Check& c) {
  const auto entries = v.entries();
  if (entries.empty()) v.fail("expected JSON pointers with values, e.g. {\"/meta/plugin/type\": \"openapi/v0.0.44\"}");
  for (const auto& [pointer, expected] : entries) {
    JsonExpectation x;
    x.pointer_text = pointer;
    try {
      x.pointer = nlohmann::json::json_pointer(pointer);
    } catch (const nlohmann::json::exception& e) {
      std::string why = e.what();
      const std::size_t bracket = why.find("] ");
      fail_at_key(v, pointer, "invalid JSON pointer \"" + pointer + "\": " +
                                  (bracket == std::string::npos ? why : why.substr(bracket + 2)));
    }
    if (expected.is_map()) {
      expected.check_keys({"exists"});
      x.exists = expected.require("exists").as_bool();
      x.as_written = *x.exists ? "present" : "absent";
    } else if (expected.is_null()) {
      x.value = "null";
      x.as_written = "null";
    } else if (expected.is_scalar()) {
      x.value = expected.as_string();
      x.quoted = expected.raw().Tag() == "!";  // a quoted YAML scalar: only a JSON string matches
      x.as_written = x.quoted ? "\"" + expected.as_written() + "\"" : expected.as_written();
    } else {
      expected.fail("expected a value to compare or {exists: true|false}");
    }
    c.description += (c.description.empty() ? "json " : ", ") + pointer + " is " + x.as_written;
    c.json.push_back(std::move(x));
  }
}

void parse_body_size(const YamlValue& v, Check& c) {
  v.check_keys({"min", "max"});
  auto bytes = [](const YamlValue& n) {
    const double b = n.as_bytes();
    if (b < 0 || b > static_cast<double>(std::numeric_limits<std::uint64_t>::max() / 2)) n.fail("out of range");
    return static_cast<std::uint64_t>(b);
  };
  if (auto m = v.get("min")) c.min_size = bytes(*m);
  if (auto m = v.get("max")) c.max_size = bytes(*m);
  if (!c.min_size && !c.max_size) v.fail("give min, max or both (bytes, e.g. {min: 1000} or {max: 1Mi})");
  if (c.min_size && c.max_size && *c.min_size > *c.max_size) fail_at_key(v, "max", "max is smaller than min");
  c.description = "body size";
  if (c.min_size) c.description += " >= " + std::to_string(*c.min_size);
  if (c.max_size) c.description += std::string(c.min_size ? " and" : "") + " <= " + std::to_string(*c.max_size);
  c.description += " bytes";
}

void parse_prometheus(const YamlValue& v, Check& c) {
  c.description = "valid Prometheus text";
  if (v.is_null()) return;
  v.check_keys({"families", "min_series"});
  if (auto f = v.get("families")) {
    for (const auto& item : one_or_many(*f)) {
      const std::string name = item.as_string();
      if (!metric_name(name)) item.fail("invalid metric family name \"" + item.as_written() + "\"");
      c.families.push_back(name);
      c.description += (c.families.size() == 1 ? ", families " : ", ") + name;
    }
  }
  if (auto m = v.get("min_series")) {
    for (const auto& [name, floor] : m->entries()) {
      if (!metric_name(name)) fail_at_key(*m, name, "invalid metric family name \"" + name + "\"");
      c.min_series.push_back({name, static_cast<std::uint64_t>(floor.as_positive_int())});
      c.description += ", " + name + " >= " + floor.as_written() + " series";
    }
  }
}

}  // namespace

RequestChecks parse_checks(const YamlValue& node) {
  const auto& kinds = check_kind_names();
  const auto entries = node.entries();
  if (entries.empty()) node.fail("expected at least one check: " + detail::join(kinds));
  for (const auto& [key, value] : entries) {
    if (std::find(kinds.begin(), kinds.end(), key) == kinds.end()) {
      fail_at_key(node, key, "unknown check \"" + key + "\"" + did_you_mean_suffix(key, kinds) + "; checks are " +
                                 detail::join(kinds));
    }
  }
  node.check_keys(kinds);  // duplicate kinds
  auto compiled = std::make_shared<RequestChecks::Compiled>();
  for (const auto& [key, value] : entries) {
    Check c;
    std::size_t k = 0;
    while (kinds[k] != key) ++k;
    c.kind = static_cast<CheckKind>(k);
    switch (c.kind) {
      case CheckKind::status: parse_status(value, c); break;
      case CheckKind::header: parse_header(value, c); break;
      case CheckKind::body_contains: parse_body_contains(value, c); break;
      case CheckKind::body_matches: parse_body_matches(value, c); break;
      case CheckKind::json: parse_json(value, c); break;
      case CheckKind::body_size: parse_body_size(value, c); break;
      case CheckKind::prometheus: parse_prometheus(value, c); break;
    }
    compiled->needs_headers = compiled->needs_headers || c.kind == CheckKind::header;
    compiled->needs_body = compiled->needs_body || (c.kind != CheckKind::status && c.kind != CheckKind::header &&
                                                    c.kind != CheckKind::body_size);
    compiled->checks.push_back(std::move(c));
  }
  return RequestChecks(std::move(compiled));
}

}  // namespace perfval::loadgen

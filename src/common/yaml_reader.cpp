// YamlValue: typed, located access to yaml-cpp nodes so every config error names file:line:column and field.
#include "perfval/common/yaml_reader.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/size.hpp"

namespace perfval {

YamlValue::YamlValue(std::shared_ptr<Document> doc, YAML::Node node, std::string field, YAML::Mark mark)
    : doc_(std::move(doc)), node_(std::move(node)), field_(std::move(field)), mark_(mark) {}

YamlValue YamlValue::load_file(const std::string& path, EnvLookup env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(path + ": cannot read file");
  return load_string(buffer.str(), path, std::move(env));
}

YamlValue YamlValue::load_string(const std::string& text, const std::string& name, EnvLookup env) {
  auto file = std::make_shared<Document>(Document{name, std::move(env), {}});
  try {
    YAML::Node root = YAML::Load(text);
    YAML::Mark mark = root.IsDefined() && !root.IsNull() ? root.Mark() : YAML::Mark();
    if (mark.line < 0) mark = YAML::Mark();
    return YamlValue(file, root, "", mark);
  } catch (const YAML::Exception& e) {
    SourceLocation where{name, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) where.line = 0;
    throw Error(where, "", "YAML syntax error: " + e.msg);
  }
}

SourceLocation YamlValue::location() const {
  if (mark_.is_null() || mark_.line < 0) return {doc_->file, 0, 0};
  return {doc_->file, mark_.line + 1, mark_.column + 1};
}

void YamlValue::fail(const std::string& message) const { throw Error(location(), field_, message); }

YamlValue YamlValue::child(const YAML::Node& node, std::string field) const {
  YAML::Mark mark = mark_;
  if (node.IsDefined() && !node.IsNull()) {
    const YAML::Mark m = node.Mark();
    if (!m.is_null() && m.line >= 0) mark = m;
  }
  return YamlValue(doc_, node, std::move(field), mark);
}

namespace {
std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "\"" + n.Scalar() + "\"";
}
}  // namespace

std::string YamlValue::as_written() const {
  if (!node_.IsScalar()) fail("expected a string, got " + describe(node_));
  return node_.Scalar();
}

bool YamlValue::uses_env() const { return doc_->env && node_.IsScalar() && has_env_reference(node_.Scalar()); }

std::string YamlValue::text() const {
  if (!doc_->env || !node_.IsScalar()) return node_.Scalar();
  std::string why;
  auto value = substitute_env(node_.Scalar(), doc_->env, &doc_->uses, &why);
  if (!value) fail(why);
  return std::move(*value);
}

std::string YamlValue::quoted() const { return "\"" + node_.Scalar() + "\""; }

std::string YamlValue::as_string() const {
  if (!node_.IsScalar()) fail("expected a string, got " + describe(node_));
  return text();
}

double YamlValue::as_double() const {
  if (!node_.IsScalar()) fail("expected a number, got " + describe(node_));
  const std::string s = text();
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  fail("expected a number, got " + quoted());
}

std::int64_t YamlValue::as_int() const {
  if (!node_.IsScalar()) fail("expected an integer, got " + describe(node_));
  const std::string s = text();
  try {
    std::size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size()) return v;
  } catch (...) {
  }
  fail("expected an integer, got " + quoted());
}

bool YamlValue::as_bool() const {
  if (node_.IsScalar()) {
    const std::string s = text();
    if (s == "true" || s == "True" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "False" || s == "no" || s == "off") return false;
  }
  fail("expected true or false, got " + describe(node_));
}

Nanos YamlValue::as_duration() const {
  if (!node_.IsScalar()) fail("expected a duration such as 30s or 500ms, got " + describe(node_));
  const auto d = parse_duration(text());
  if (!d) fail("expected a duration such as 30s, 1m30s or 500ms, got \"" + node_.Scalar() + "\"");
  return *d;
}

Nanos YamlValue::as_positive_duration() const {
  const Nanos d = as_duration();
  if (d.count() <= 0) fail("must be greater than zero, got \"" + node_.Scalar() + "\"");
  return d;
}

double YamlValue::as_positive_double() const {
  const double v = as_double();
  if (v <= 0) fail("must be greater than zero, got " + node_.Scalar());
  return v;
}

std::int64_t YamlValue::as_positive_int() const {
  const auto v = as_int();
  if (v <= 0) fail("must be greater than zero, got " + node_.Scalar());
  return v;
}

std::int64_t YamlValue::as_nonnegative_int() const {
  const auto v = as_int();
  if (v < 0) fail("must not be negative, got " + node_.Scalar());
  return v;
}

double YamlValue::as_bytes() const {
  if (!node_.IsScalar()) fail("expected a size such as 512Mi or 1Gi, got " + describe(node_));
  const auto b = parse_bytes(text());
  if (!b) fail("expected a size such as 512Mi, 1Gi or 100MB, got \"" + node_.Scalar() + "\"");
  return *b;
}

double YamlValue::as_percent() const {
  if (!node_.IsScalar()) fail("expected a percentage such as 10%, got " + describe(node_));
  std::string s = text();
  if (!s.empty() && s.back() == '%') s.pop_back();
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  fail("expected a percentage such as 10%, got \"" + node_.Scalar() + "\"");
}

std::vector<YamlValue> YamlValue::items() const {
  if (!node_.IsSequence()) fail("expected a list, got " + describe(node_));
  std::vector<YamlValue> out;
  out.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i) {
    out.push_back(child(node_[i], field_ + "[" + std::to_string(i) + "]"));
  }
  return out;
}

void YamlValue::expect_map() const {
  if (!node_.IsMap()) fail("expected a mapping of keys to values, got " + describe(node_));
}

std::vector<std::pair<std::string, YamlValue>> YamlValue::entries() const {
  expect_map();
  std::vector<std::pair<std::string, YamlValue>> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    YamlValue value = child(it->second, field_.empty() ? key : field_ + "." + key);
    if (it->second.IsNull()) value.mark_ = it->first.Mark();
    out.emplace_back(key, std::move(value));
  }
  return out;
}

std::optional<YamlValue> YamlValue::get(const std::string& key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.Scalar() == key) {
      YamlValue value = child(it->second, field_.empty() ? key : field_ + "." + key);
      if (it->second.IsNull()) value.mark_ = it->first.Mark();
      return value;
    }
  }
  return std::nullopt;
}

bool YamlValue::has(const std::string& key) const { return get(key).has_value(); }

YamlValue YamlValue::require(const std::string& key) const {
  expect_map();
  auto v = get(key);
  if (!v || v->is_null()) {
    const std::string path = field_.empty() ? key : field_ + "." + key;
    throw Error(location(), path, "required field is missing");
  }
  return *v;
}

void YamlValue::check_keys(const std::vector<std::string>& allowed) const {
  expect_map();
  std::vector<std::pair<std::string, int>> seen;  // key, 1-based line: yaml-cpp accepts duplicate keys
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YAML::Mark m = it->first.Mark();
    const SourceLocation where{doc_->file, m.line + 1, m.column + 1};
    const std::string path = field_.empty() ? key : field_ + "." + key;
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) throw Error(where, path, "unknown key \"" + key + "\"" + did_you_mean_suffix(key, allowed));
    for (const auto& [k, line] : seen) {
      if (k == key) throw Error(where, path, "duplicate key (first given on line " + std::to_string(line) + ")");
    }
    seen.emplace_back(key, m.line + 1);
  }
}

}  // namespace perfval

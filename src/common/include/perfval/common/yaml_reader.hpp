// Validated reading of YAML inputs: every value knows its file, line, column and field path for errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfval/common/duration.hpp"
#include "perfval/common/env_subst.hpp"
#include "perfval/common/error.hpp"

namespace perfval {

// A YAML node with the context needed for a good error message. Cheap to copy.
class YamlValue {
 public:
  // Throws Error naming the file for a missing/unreadable file, and file:line:col for a syntax error.
  // With `env`, every scalar read through as_*() has its ${VAR} / ${VAR:-default} references replaced
  // (perfval/common/env_subst.hpp); an unset variable without a default is an Error at the value.
  static YamlValue load_file(const std::string& path, EnvLookup env = {});
  static YamlValue load_string(const std::string& text, const std::string& name, EnvLookup env = {});

  const std::string& field() const { return field_; }  // dotted path, e.g. "thresholds.http_reqs[0]"
  const std::string& file() const { return doc_->file; }
  SourceLocation location() const;
  const YAML::Node& raw() const { return node_; }

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }

  // Throws Error("file:line:col: field: message").
  [[noreturn]] void fail(const std::string& message) const;

  // A scalar exactly as the file wrote it (${VAR} kept): what echoes of the configuration print.
  std::string as_written() const;
  // True when the scalar takes (part of) its value from ${...}.
  bool uses_env() const;
  // Variables the document's values have taken from the environment so far (for redact_env).
  const std::vector<EnvUse>& env_uses() const { return doc_->uses; }

  // Typed scalar access; each throws Error naming the field and the expected type. Messages quote the
  // value as written, so a value from the environment is never printed.
  std::string as_string() const;
  double as_double() const;
  std::int64_t as_int() const;
  bool as_bool() const;
  Nanos as_duration() const;           // "30s", "500ms", "1h"
  Nanos as_positive_duration() const;  // > 0
  double as_positive_double() const;   // > 0
  std::int64_t as_positive_int() const;   // > 0
  std::int64_t as_nonnegative_int() const;  // >= 0
  double as_bytes() const;             // "512Mi", "1Gi", or a plain number of bytes
  double as_percent() const;           // "10%" or 10 -> 10.0 (percent points)

  // Sequence access; a scalar is an error.
  std::vector<YamlValue> items() const;
  // Map access, in file order; a non-map is an error.
  std::vector<std::pair<std::string, YamlValue>> entries() const;
  std::optional<YamlValue> get(const std::string& key) const;  // nullopt if absent (or not a map)
  YamlValue require(const std::string& key) const;            // error naming the missing key
  bool has(const std::string& key) const;
  // Errors on the first key not in `allowed`, pointing at it, with a did-you-mean suggestion.
  void check_keys(const std::vector<std::string>& allowed) const;
  // Errors unless this is a map.
  void expect_map() const;

 private:
  struct Document {
    std::string file;           // path as the user gave it
    EnvLookup env;              // empty: no ${...} substitution
    std::vector<EnvUse> uses;   // variables taken from the environment so far
  };
  YamlValue(std::shared_ptr<Document> doc, YAML::Node node, std::string field, YAML::Mark mark);
  YamlValue child(const YAML::Node& node, std::string field) const;
  std::string text() const;     // the scalar with ${...} replaced (when the document has an env)
  std::string quoted() const;   // "\"" + as written + "\"" for messages

  std::shared_ptr<Document> doc_;  // file name and environment shared by every node of a document
  YAML::Node node_;
  std::string field_;
  YAML::Mark mark_;  // where the node (or, for a missing node, its parent) starts
};

}  // namespace perfval

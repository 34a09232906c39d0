// Values from outside a file: `${VAR}` and `${VAR:-default}` in configuration strings, read from the
// environment (k6's __ENV), and the redaction that keeps those values out of everything perfval writes.
//
// YamlValue applies substitute_env to every scalar of a document loaded with an EnvLookup (scenario files),
// so a typed read (as_string, as_duration, ...) sees the value while as_written() keeps the text as written.
// Structured echoes (summary.json's config, the console header) print the as-written text; free-text
// messages that may quote a value (error examples) go through redact_env.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfval {

// Where values come from: name -> value, nullopt when unset. process_env() reads the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// A variable a document took from the environment (defaults from the file are not listed: they are no secret).
struct EnvUse {
  std::string name;   // variable name, e.g. "PERFVAL_TEST_TOKEN"
  std::string value;  // what the environment held
};

// True when `text` contains a `${` reference (an escaped `$${` does not count).
bool has_env_reference(std::string_view text);

// Replaces each `${NAME}` / `${NAME:-default}` (the default also when the variable is empty, as in sh);
// `$${` writes a literal `${`. NAME is [A-Za-z_][A-Za-z0-9_]*; defaults cannot nest references.
// On error returns nullopt and sets *why ("environment variable TOKEN is not set", ...).
// Appends the variables taken from the environment to *uses (if given), each name once.
std::optional<std::string> substitute_env(std::string_view text, const EnvLookup& env, std::vector<EnvUse>* uses,
                                          std::string* why);

// Replaces every occurrence of a used value (4 characters or longer) in `text` by `${NAME}`.
std::string redact_env(std::string text, const std::vector<EnvUse>& uses);

}  // namespace perfval

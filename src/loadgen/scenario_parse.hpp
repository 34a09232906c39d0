// Internal helpers shared by the scenario parser's files (scenario*.cpp); not part of the public API.
#pragma once

#include <string>
#include <vector>

#include "perfval/common/yaml_reader.hpp"
#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen::detail {

// Every k6 executor option key this parser knows, in documentation order.
const std::vector<std::string>& executor_keys();

// True when `map` has at least one executor option key (used to reject them next to `scenarios:`).
bool has_executor_key(const YamlValue& map, std::string* which);

// Reads the executor options of one scenario from `map` (a flat file or a `scenarios:` entry).
// Rejects option keys that do not belong to the chosen executor, naming key and executor.
ExecutorConfig parse_executor(const YamlValue& map);

// Reads `thresholds:`; tags are checked against the scenarios and request names already parsed.
std::vector<Threshold> parse_thresholds(const YamlValue& node, const std::vector<Scenario>& scenarios);

// Where a key of `map` is written (the key, not its value); the map's own location if absent.
SourceLocation key_location(const YamlValue& map, const std::string& key);

// Throws Error at the key's location: "file:line:col: <field>.<key>: message".
[[noreturn]] void fail_at_key(const YamlValue& map, const std::string& key, const std::string& message);

// Comma-separated list for messages: "a, b, c".
std::string join(const std::vector<std::string>& items);

// A value that labels results (names, descriptions): ${...} is refused, since results would show the value.
std::string literal_string(const YamlValue& node);
// `path` as given, or relative to the directory of the scenario file when it is relative.
std::string resolve_path(const YamlValue& node, const std::string& path);

// scenario_tls.cpp: top-level k6 TLS options, target.ca_file / target.unix_socket, and their checks.
const std::vector<std::string>& tls_option_keys();  // insecureSkipTLSVerify, tlsAuth, tlsVersion
void parse_tls_options(const YamlValue& root, http::TlsOptions& tls);
void parse_target_transport(const YamlValue& target, Scenario& s);  // after base_url/embedded are read
void check_transport(const YamlValue& map, const Scenario& s);     // once the scenario is complete

// scenario_data.cpp: `data:` and the templates of requests.
DataSource parse_data(const YamlValue& node);
// Checks the templates in a request's path, header values and body against the scenario's data (may be null).
void check_request_templates(const YamlValue& request, const RequestSpec& r, const DataSource* data);
// The same for requests inherited from top level by a scenario with its own `data:` (errors at that key).
void recheck_templates(const YamlValue& map, const std::vector<RequestSpec>& requests, const DataSource& data);

}  // namespace perfval::loadgen::detail

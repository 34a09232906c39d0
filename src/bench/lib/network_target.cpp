// The network benchmarks' target from `perfval bench` options: validated once, turned into a load-engine
// Scenario, and carried to perfval-bench as --perfval_* flags.
#include "perfval/bench/network_target.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "perfval/common/error.hpp"
#include "perfval/http/url.hpp"
#include "perfval/target/slurm_api.hpp"

namespace perfval::bench {
namespace {

constexpr std::size_t kMaxUnixPath = 107;  // sockaddr_un.sun_path less its terminating NUL

loadgen::RequestSpec get(std::string name, std::string path) {
  loadgen::RequestSpec r;
  r.name = std::move(name);
  r.path = std::move(path);
  r.path_as_written = r.path;
  return r;
}

// "ping" for /slurm/v0.0.38/ping, "root" for /: the last path segment without its query, as a row-name part.
std::string name_of_path(const std::string& path) {
  std::string p = path.substr(0, path.find('?'));
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  std::string name = p.substr(p.rfind('/') + 1);
  if (name.empty()) name = "root";
  return name;
}

// A benchmark name part: letters, digits, '_', '-', '.'; anything else becomes '_'.
std::string row_safe(std::string name) {
  for (char& c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    if (!ok) c = '_';
  }
  return name;
}

loadgen::RequestSpec parse_path(const std::string& text) {
  const auto eq = text.find('=');
  const bool named = eq != std::string::npos && eq < text.find('/');
  std::string path = named ? text.substr(eq + 1) : text;
  if (path.empty() || path.front() != '/') {
    throw Error("option --path: \"" + text + "\": expected PATH or NAME=PATH with PATH starting with /");
  }
  if (path.find_first_of(" \r\n") != std::string::npos) throw Error("option --path: \"" + text + "\": spaces in the path");
  std::string name = named ? text.substr(0, eq) : name_of_path(path);
  if (name.empty()) throw Error("option --path: \"" + text + "\": empty name before =");
  return get(row_safe(name), path);
}

loadgen::Header parse_header(const std::string& text) {
  const auto colon = text.find(':');
  std::string name = text.substr(0, colon);
  const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
  // Only the part before a separator is named: the rest may be a token (--header "X-Token=$TOKEN").
  if (colon == std::string::npos || !token) {
    const std::string shown = text.substr(0, text.find_first_of(":= "));
    throw Error("option --header: \"" + shown + "...\": expected \"Name: value\" (the value is not shown)");
  }
  std::string value = text.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  value = first == std::string::npos ? "" : value.substr(first);
  if (value.find_first_of("\r\n") != std::string::npos) throw Error("option --header: " + name + ": line break in the value");
  return {name, value};
}

// The first (only) scenario of a scenario file, with --target/--unix-socket applied over it.
loadgen::Scenario from_scenario_file(const NetworkTargetArgs& args) {
  if (!args.paths.empty()) throw Error("option --path: give the endpoints with --path or --scenario, not both");
  loadgen::TestPlan plan;
  try {
    plan = loadgen::load_test_plan(args.scenario);
  } catch (const Error& e) {
    throw Error(std::string("option --scenario: ") + e.what());
  }
  if (plan.scenarios.size() != 1) {
    throw Error("option --scenario: " + args.scenario + " has " + std::to_string(plan.scenarios.size()) +
                " scenarios; the network benchmarks take a file with one");
  }
  loadgen::Scenario s = std::move(plan.scenarios.front());
  if (s.embedded) s.base_url.clear();
  s.embedded.reset();
  s.resources.reset();
  // The benchmarks send each endpoint in short batches and have no iterations to hand rows to.
  for (const auto& r : s.requests) {
    bool uses_data = r.path.find("{{data.") != std::string::npos || r.body.find("{{data.") != std::string::npos;
    for (const auto& h : r.headers) uses_data = uses_data || h.value.find("{{data.") != std::string::npos;
    if (uses_data)
      throw Error("option --scenario: " + args.scenario + ": request \"" + r.name +
                  "\" uses {{data.*}}, and the network benchmarks do not read data files; use perfval run for it");
  }
  s.data.reset();
  for (auto& r : s.requests) r.name = row_safe(r.name);
  return s;
}

void apply_target(const NetworkTargetArgs& args, loadgen::Scenario& s) {
  if (!args.target.empty()) {
    std::string why;
    const auto url = http::parse_url(args.target, &why);
    if (!url) throw Error("option --target: \"" + args.target + "\" is not a URL: " + why);
    s.base_url = args.target;
    while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
    s.base_url_as_written = s.base_url;
  }
  if (!args.unix_socket.empty()) {
    if (args.unix_socket.size() > kMaxUnixPath) throw Error("option --unix-socket: longer than 107 bytes");
    s.unix_socket = args.unix_socket;
    s.unix_socket_as_written = args.unix_socket;
    if (s.base_url.empty()) s.base_url = s.base_url_as_written = "http://localhost";
  }
  if (!s.unix_socket.empty() && s.base_url.rfind("https://", 0) == 0) {
    throw Error("option --unix-socket: HTTPS over a Unix socket is not supported; use an http:// --target");
  }
}

}  // namespace

std::vector<loadgen::RequestSpec> default_endpoints() {
  const std::string api(target::slurm_api_prefix);
  return {get("ping", api + "/ping"), get("nodes", api + "/nodes"), get("metrics", "/metrics")};
}

loadgen::Scenario network_scenario(const NetworkTargetArgs& args) {
  loadgen::Scenario s;
  if (!args.scenario.empty()) {
    s = from_scenario_file(args);
  } else {
    s.name = "network";
    for (const auto& p : args.paths) s.requests.push_back(parse_path(p));
    if (s.requests.empty()) s.requests = default_endpoints();
  }
  apply_target(args, s);
  for (const auto& h : args.headers) {
    const loadgen::Header header = parse_header(h);
    for (auto& r : s.requests) r.headers.push_back(header);
  }
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (s.requests[i].name == s.requests[j].name) {
        throw Error("option --path: two endpoints named \"" + s.requests[i].name + "\" (" + s.requests[j].path +
                    ", " + s.requests[i].path + "); name them with --path NAME=PATH");
      }
    }
  }
  return s;
}

namespace {
const std::pair<const char*, std::string NetworkTargetArgs::*> kSingle[] = {
    {"--perfval_target=", &NetworkTargetArgs::target},
    {"--perfval_unix_socket=", &NetworkTargetArgs::unix_socket},
    {"--perfval_scenario=", &NetworkTargetArgs::scenario}};
const std::pair<const char*, std::vector<std::string> NetworkTargetArgs::*> kRepeated[] = {
    {"--perfval_path=", &NetworkTargetArgs::paths}, {"--perfval_header=", &NetworkTargetArgs::headers}};
}  // namespace

std::vector<std::string> network_flags(const NetworkTargetArgs& args) {
  std::vector<std::string> flags;
  for (const auto& [flag, field] : kSingle)
    if (!(args.*field).empty()) flags.push_back(flag + args.*field);
  for (const auto& [flag, field] : kRepeated)
    for (const auto& v : args.*field) flags.push_back(flag + v);
  return flags;
}

bool take_network_flag(const std::string& flag, NetworkTargetArgs& args) {
  for (const auto& [prefix, field] : kSingle) {
    if (flag.rfind(prefix, 0) != 0) continue;
    args.*field = flag.substr(std::string_view(prefix).size());
    return true;
  }
  for (const auto& [prefix, field] : kRepeated) {
    if (flag.rfind(prefix, 0) != 0) continue;
    (args.*field).push_back(flag.substr(std::string_view(prefix).size()));
    return true;
  }
  return false;
}

namespace {
loadgen::Scenario& scenario_slot() {
  static loadgen::Scenario s = [] {
    loadgen::Scenario d;
    d.name = "network";
    d.requests = default_endpoints();
    return d;
  }();
  return s;
}
}  // namespace

void set_network_scenario(loadgen::Scenario scenario) { scenario_slot() = std::move(scenario); }
const loadgen::Scenario& network_scenario_in_use() { return scenario_slot(); }

}  // namespace perfval::bench

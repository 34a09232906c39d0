// What the network benchmarks measure: the service (the embedded target, or any HTTP(S) or Unix-socket server
// given by --target / --unix-socket / --scenario) and its endpoints, as a load-engine Scenario so the benchmarks
// send their requests through the engine's own client. Options are validated here, once, naming the option.
#pragma once

#include <string>
#include <vector>

#include "perfval/loadgen/scenario.hpp"

namespace perfval::bench {

// The `perfval bench` options that choose the network target (and the --perfval_* flags carrying them to
// perfval-bench).
struct NetworkTargetArgs {
  std::string target;                // --target URL: http(s)://host:port[/prefix]; "" for the embedded target
  std::string unix_socket;           // --unix-socket PATH: HTTP over this Unix socket; --target gives Host and prefix
  std::vector<std::string> paths;    // --path [NAME=]PATH, repeated: the endpoints (default: perfval serve's)
  std::vector<std::string> headers;  // --header "Name: value", repeated: sent with every request
  std::string scenario;              // --scenario FILE: base URL, socket, TLS options and requests from a scenario

  bool empty() const { return target.empty() && unix_socket.empty() && paths.empty() && scenario.empty(); }
  bool default_paths() const { return paths.empty() && scenario.empty(); }  // requests perfval serve's paths
};

// The endpoints requested when none are given: perfval serve's ping, nodes and metrics.
std::vector<loadgen::RequestSpec> default_endpoints();

// The scenario the network benchmarks run: base_url empty for the embedded target (the benchmark fills it in),
// requests = the endpoints. Throws perfval::Error (exit 2) naming the option: a malformed URL or header, a
// path without "/", duplicate endpoint names, --path with --scenario, a scenario file that does not load.
loadgen::Scenario network_scenario(const NetworkTargetArgs& args);

// The --perfval_* flags that carry `args` to perfval-bench, and their reading there: take_network_flag returns
// false for a flag that is not one of them.
std::vector<std::string> network_flags(const NetworkTargetArgs& args);
bool take_network_flag(const std::string& flag, NetworkTargetArgs& args);

// The scenario of this perfval-bench process (set once by main before the benchmarks run).
void set_network_scenario(loadgen::Scenario scenario);
const loadgen::Scenario& network_scenario_in_use();

}  // namespace perfval::bench

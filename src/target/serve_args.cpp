// Validation of `perfval serve` flags: every bad value is reported with the option name and what was expected.
#include "perfval/target/serve_args.hpp"

#include <limits>

#include "perfval/common/error.hpp"

namespace perfval::target {
namespace {

constexpr int kMaxNodes = 1'000'000;
constexpr int kMaxThreads = 1024;

[[noreturn]] void fail(const std::string& option, const std::string& message) {
  throw Error("option --" + option + ": " + message);
}

int int_in_range(const ParsedArgs& args, const std::string& option, int fallback, int lo, int hi) {
  const auto text = args.get(option);
  if (!text) return fallback;
  const long long v = parse_int_arg(option, *text);
  if (v < lo || v > hi) {
    fail(option, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + *text);
  }
  return static_cast<int>(v);
}

double parse_rate(const std::string& text) {
  std::string number = text;
  double scale = 1.0;
  if (!number.empty() && number.back() == '%') {
    number.pop_back();
    scale = 0.01;
  }
  const double v = parse_number_arg("error-rate", number) * scale;
  if (v < 0.0 || v > 1.0) fail("error-rate", "must be a fraction in [0, 1] (or a percentage like 5%), got " + text);
  return v;
}

std::uint64_t parse_seed(const std::string& text) {
  bool digits = !text.empty();
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    try {
      return std::stoull(text);
    } catch (...) {
    }
  }
  fail("seed", "expected a whole number from 0 to 18446744073709551615, got \"" + text + "\"");
}

}  // namespace

ListenAddress parse_listen_address(const std::string& text) {
  const std::string usage = "expected HOST:PORT such as 127.0.0.1:8080, [::1]:8080 or :8080, got \"" + text + "\"";
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) fail("listen", usage);
  ListenAddress out;
  out.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    fail("listen", "put IPv6 addresses in brackets; " + usage);
  }
  if (out.host.empty()) out.host = "0.0.0.0";
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && c >= '0' && c <= '9';
  if (!digits || std::stoi(port) > 65535) fail("listen", "port must be 0-65535; " + usage);
  out.port = static_cast<std::uint16_t>(std::stoi(port));
  return out;
}

ArgParser serve_arg_parser() {
  ArgParser p("serve", "[options]");
  p.option("listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0 picks a free port)")
      .option("nodes", "N", "simulated cluster size (default 100)")
      .option("threads", "N", "I/O threads (default 0 = one per core)")
      .option("latency", "SPEC", "added latency: 50ms, uniform:10ms-50ms, normal:50ms/10ms, exponential:20ms, "
                                 "lognormal:20ms/200ms")
      .option("error-rate", "R", "fraction of responses answered with HTTP 500, 0..1 or 5% (default 0)")
      .option("stall", "LEN/PERIOD", "freeze all responses for LEN every PERIOD from start, e.g. 500ms/5s")
      .option("seed", "N", "random seed for the simulated cluster and faults (default 42)");
  return p;
}

ServeOptions serve_options_from_args(const ParsedArgs& args) {
  if (!args.positionals.empty()) {
    throw Error("perfval serve: unexpected argument \"" + args.positionals.front() + "\" (see perfval serve --help)");
  }
  ServeOptions o;
  if (const auto listen = args.get("listen")) {
    const ListenAddress a = parse_listen_address(*listen);
    o.host = a.host;
    o.port = a.port;
  }
  o.nodes = int_in_range(args, "nodes", o.nodes, 1, kMaxNodes);
  o.threads = int_in_range(args, "threads", o.threads, 0, kMaxThreads);
  if (const auto text = args.get("latency")) {
    const auto spec = parse_latency_spec(*text);
    if (!spec) {
      fail("latency", "cannot read \"" + *text + "\"; expected 50ms, fixed:50ms, uniform:10ms-50ms, "
                      "normal:50ms/10ms, exponential:20ms or lognormal:20ms/200ms");
    }
    o.latency = *spec;
  }
  if (const auto text = args.get("error-rate")) o.error_rate = parse_rate(*text);
  if (const auto text = args.get("stall")) {
    const auto spec = parse_stall_spec(*text);
    if (!spec) fail("stall", "cannot read \"" + *text + "\"; expected LENGTH/PERIOD with LENGTH < PERIOD, e.g. 500ms/5s");
    o.stall = *spec;
  }
  if (const auto text = args.get("seed")) o.seed = parse_seed(*text);
  return o;
}

}  // namespace perfval::target

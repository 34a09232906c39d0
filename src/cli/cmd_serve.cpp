// `perfval serve`: run the embedded SLURM-exporter-like target until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "perfval/common/error.hpp"
#include "perfval/target/embedded.hpp"
#include "perfval/target/serve_args.hpp"

namespace perfval::cli {
namespace {

std::string describe_faults(const target::ServeOptions& o) {
  std::string out;
  if (!o.latency.text.empty()) out += " latency=" + o.latency.text;
  if (o.error_rate > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", o.error_rate);
    out += std::string(" error-rate=") + rate;
  }
  if (!o.stall.text.empty()) out += " stall=" + o.stall.text;
  return out.empty() ? " none" : out;
}

int serve(const std::vector<std::string>& args) {
  const ArgParser parser = target::serve_arg_parser();
  const ParsedArgs parsed = parser.parse(args);
  if (parsed.help) {
    std::printf("%s", parser.help().c_str());
    return exit_code::ok;
  }
  const target::ServeOptions options = target::serve_options_from_args(parsed);

  // Block the stop signals before any thread starts, so every server thread inherits the mask and sigwait
  // below is the only place they are delivered.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  target::EmbeddedTarget server(options);
  server.start();
  std::printf("listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "perfval serve: %d nodes, bound to %s:%u, faults:%s; Ctrl-C stops\n", options.nodes,
               options.host.c_str(), static_cast<unsigned>(server.port()), describe_faults(options).c_str());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stop();
  std::printf("stopped on %s after serving %llu requests\n", signal == SIGINT ? "SIGINT" : "SIGTERM",
              static_cast<unsigned long long>(server.requests_served()));
  std::fflush(stdout);
  return exit_code::ok;
}

const CommandRegistration reg{"serve", "run the embedded SLURM-exporter-like target (metrics, REST API, faults)",
                              &serve};

}  // namespace
}  // namespace perfval::cli

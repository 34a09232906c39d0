// perfval's entry point: dispatch to a subcommand and print configuration errors once, as "perfval: error: ...".
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>

#include "command.hpp"
#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval::cli {

std::vector<Command>& commands() {
  static std::vector<Command> table;
  return table;
}

CommandRegistration::CommandRegistration(std::string name, std::string summary, CommandFn fn) {
  auto& table = commands();
  table.push_back({std::move(name), std::move(summary), fn});
  std::sort(table.begin(), table.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
}

namespace {
void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: perfval <command> [options]\n\ncommands:\n");
  for (const auto& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\n`perfval <command> --help` describes a command. Exit codes: docs/exit-codes.md\n");
}
}  // namespace

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return exit_code::usage;
  }
  const std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage(stdout);
    return exit_code::ok;
  }
  if (name == "--version" || name == "version") {
    std::printf("perfval 0.1.0\n");
    return exit_code::ok;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : commands()) {
    if (c.name == name) return c.fn(args);
  }
  std::vector<std::string> names;
  for (const auto& c : commands()) names.push_back(c.name);
  throw Error("unknown command \"" + name + "\"" + did_you_mean_suffix(name, names) + "; see perfval --help");
}

}  // namespace perfval::cli

int main(int argc, char** argv) {
  try {
    return perfval::cli::dispatch(argc, argv);
  } catch (const perfval::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "perfval: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "perfval: internal error: %s\n", e.what());
    return perfval::exit_code::internal_error;
  }
}

// Declarative command-line options for subcommands: --name VALUE, --name=VALUE, flags and positionals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perfval {

// The result of parsing one subcommand's arguments.
struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> values;  // option name (without --) -> values in order
  std::vector<std::string> positionals;                    // arguments that are not options
  std::vector<std::string> passthrough;                    // options matching a pass-through prefix, verbatim
  bool help = false;                                       // -h / --help was given

  bool has(const std::string& name) const { return values.count(name) != 0; }
  std::optional<std::string> get(const std::string& name) const;  // last value given
  std::vector<std::string> all(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
};

class ArgParser {
 public:
  ArgParser(std::string command, std::string synopsis);

  ArgParser& option(const std::string& name, const std::string& metavar, const std::string& help);
  ArgParser& flag(const std::string& name, const std::string& help);
  // Options starting with this prefix (e.g. "--benchmark_") are collected verbatim into passthrough.
  ArgParser& passthrough_prefix(const std::string& prefix);

  // Throws Error (exit code 2) on an unknown option (with did-you-mean) or a missing value.
  ParsedArgs parse(const std::vector<std::string>& args) const;
  std::string help() const;

 private:
  struct Spec {
    std::string name;
    std::string metavar;  // empty for a flag
    std::string help;
  };
  const Spec* find(const std::string& name) const;

  std::string command_;
  std::string synopsis_;
  std::vector<Spec> specs_;
  std::vector<std::string> passthrough_prefixes_;
};

// Parses a number from a flag value; throws Error naming the option.
double parse_number_arg(const std::string& option, const std::string& value);
long long parse_int_arg(const std::string& option, const std::string& value);

}  // namespace perfval

// The subcommand dispatch table: each cmd_*.cpp registers one entry with a static CommandRegistration.
#pragma once

#include <string>
#include <vector>

namespace perfval::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
  std::string name;     // "run", "serve", ...
  std::string summary;  // one line for `perfval --help`
  CommandFn fn;
};

// All registered commands, sorted by name.
std::vector<Command>& commands();

struct CommandRegistration {
  CommandRegistration(std::string name, std::string summary, CommandFn fn);
};

}  // namespace perfval::cli

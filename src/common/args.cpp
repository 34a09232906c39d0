// ArgParser: the one option parser every subcommand uses, so errors and --help look the same everywhere.
#include "perfval/common/args.hpp"

#include <cmath>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"

namespace perfval {

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

std::string ParsedArgs::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

ArgParser::ArgParser(std::string command, std::string synopsis)
    : command_(std::move(command)), synopsis_(std::move(synopsis)) {}

ArgParser& ArgParser::option(const std::string& name, const std::string& metavar, const std::string& help) {
  specs_.push_back({name, metavar.empty() ? "VALUE" : metavar, help});
  return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  specs_.push_back({name, "", help});
  return *this;
}

ArgParser& ArgParser::passthrough_prefix(const std::string& prefix) {
  passthrough_prefixes_.push_back(prefix);
  return *this;
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

ParsedArgs ArgParser::parse(const std::vector<std::string>& args) const {
  ParsedArgs out;
  bool only_positionals = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positionals || a.size() < 2 || a[0] != '-' || a == "-") {
      out.positionals.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      out.help = true;
      continue;
    }
    bool passed = false;
    for (const auto& p : passthrough_prefixes_) {
      if (a.rfind(p, 0) == 0) {
        out.passthrough.push_back(a);
        passed = true;
        break;
      }
    }
    if (passed) continue;
    if (a.rfind("--", 0) != 0) {
      throw Error("perfval " + command_ + ": unknown option \"" + a + "\" (options are spelled --name)");
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Spec* spec = find(name);
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& s : specs_) names.push_back(s.name);
      const auto guess = did_you_mean(name, names);  // suggested as the user must type it, with "--"
      throw Error("perfval " + command_ + ": unknown option \"--" + name + "\"" +
                  (guess ? " (did you mean \"--" + *guess + "\"?)" : ""));
    }
    if (spec->metavar.empty()) {
      if (inline_value) throw Error("perfval " + command_ + ": option --" + name + " takes no value");
      out.values[name].push_back("true");
      continue;
    }
    if (inline_value) {
      out.values[name].push_back(*inline_value);
    } else if (i + 1 < args.size()) {
      out.values[name].push_back(args[++i]);
    } else {
      throw Error("perfval " + command_ + ": option --" + name + " needs a value (" + spec->metavar + ")");
    }
  }
  return out;
}

std::string ArgParser::help() const {
  std::string out = "usage: perfval " + command_ + " " + synopsis_ + "\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  --" + s.name + (s.metavar.empty() ? "" : " " + s.metavar);
    if (left.size() < 30) left.append(30 - left.size(), ' ');
    else left += "  ";
    out += left + s.help + "\n";
  }
  return out;
}

double parse_number_arg(const std::string& option, const std::string& value) {
  try {
    std::size_t used = 0;
    const double v = std::stod(value, &used);
    if (used == value.size() && std::isfinite(v)) return v;
  } catch (...) {
  }
  throw Error("option --" + option + ": expected a number, got \"" + value + "\"");
}

long long parse_int_arg(const std::string& option, const std::string& value) {
  try {
    std::size_t used = 0;
    const long long v = std::stoll(value, &used);
    if (used == value.size()) return v;
  } catch (...) {
  }
  throw Error("option --" + option + ": expected a whole number, got \"" + value + "\"");
}

}  // namespace perfval

// Testbed fingerprints and the comparison that decides whether absolute values from one machine apply to another.
#include "perfval/regression/testbed.hpp"

#include <cctype>
#include <stdexcept>
#include <string>

namespace perfval::regression {

namespace {

// Lower case with runs of blanks folded to one, so "AMD  EPYC" and "amd epyc" match.
std::string normalized(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::optional<double> MachineContext::load_1m() const {
  if (load_average.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(load_average, &used);
    return used > 0 && v >= 0 ? std::optional<double>(v) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool MachineContext::oversubscribed() const {
  const auto load = load_1m();
  return load && testbed.cores > 0 && *load > testbed.cores;
}

std::string Testbed::fingerprint() const {
  if (!known()) return "unknown testbed";
  return cpu_model + ", " + std::to_string(cores) + (cores == 1 ? " core" : " cores");
}

bool same_testbed(const Testbed& a, const Testbed& b) {
  return a.known() && b.known() && a.cores == b.cores && normalized(a.cpu_model) == normalized(b.cpu_model);
}

std::string MachineContext::describe() const {
  std::string out = host.empty() ? "" : "host " + host + ", ";
  out += testbed.fingerprint();
  if (!load_average.empty()) out += ", load " + load_average + " at the start";
  return out;
}

}  // namespace perfval::regression

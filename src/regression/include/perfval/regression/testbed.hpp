// The testbed a result or a baseline was measured on (CPU model and cores), as a short fingerprint, and the
// machine description a run carries (host, load): absolute values only compare on the same testbed.
#pragma once

#include <optional>
#include <string>

namespace perfval::regression {

struct Testbed {
  std::string cpu_model;  // e.g. "AMD EPYC 7B13"; "" when the input does not say
  int cores = 0;          // logical CPUs; 0 when unknown

  bool known() const { return !cpu_model.empty() && cores > 0; }
  std::string fingerprint() const;  // "AMD EPYC 7B13, 2 cores" ("unknown testbed" when not known)
};

// Same CPU model (compared without case and repeated blanks) and the same number of cores.
bool same_testbed(const Testbed& a, const Testbed& b);

// Where a run was measured, for the report: "host vm, AMD EPYC, 2 cores, load 3.1 2.5 1.9 at the start".
struct MachineContext {
  Testbed testbed;           // CPU model and cores
  std::string host;          // host name; "" when unknown
  std::string load_average;  // "1 5 15" minute load averages at the start of the run; "" when unknown
  std::string date;          // when the run started, as the input writes it

  std::string describe() const;
  // The 1-minute load average at the start, when known.
  std::optional<double> load_1m() const;
  // More runnable processes than cores when the run started: wall-clock times then include waiting for a CPU.
  bool oversubscribed() const;
};

}  // namespace perfval::regression

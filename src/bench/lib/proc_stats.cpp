// Reads VmRSS/VmHWM (kB in /proc/self/status) and resets VmHWM through /proc/self/clear_refs.
#include "perfval/bench/proc_stats.hpp"

#include <fstream>
#include <string>

namespace perfval::bench {

ResidentMemory resident_memory() {
  ResidentMemory m;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    const auto kb = [&line](std::size_t skip) { return std::stoll(line.substr(skip)) * 1024; };
    if (line.rfind("VmRSS:", 0) == 0) m.current_bytes = kb(6);
    else if (line.rfind("VmHWM:", 0) == 0) m.peak_bytes = kb(6);
  }
  return m;
}

bool reset_peak_resident_memory() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace perfval::bench

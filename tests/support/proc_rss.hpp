// Test helper: a process's resident memory read straight from /proc/PID/status (VmRSS), as an independent view
// to check what perfval reports against.
#pragma once

#include <fstream>
#include <string>

namespace perfval::test {

// Bytes; 0 when the process is gone.
inline double rss_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  double kib = 0;
  while (in >> key) {
    if (key == "VmRSS:" && (in >> kib)) return kib * 1024;
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

}  // namespace perfval::test

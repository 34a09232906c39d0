// Resident memory of this process from /proc/self/status, and resetting its peak between benchmarks.
#pragma once

#include <cstdint>

namespace perfval::bench {

struct ResidentMemory {
  std::int64_t current_bytes = 0;  // VmRSS, bytes
  std::int64_t peak_bytes = 0;     // VmHWM, bytes (peak since start or since the last reset)
};

ResidentMemory resident_memory();  // zeros where /proc is unavailable

// Restarts VmHWM from the current RSS (writes "5" to /proc/self/clear_refs); false if the kernel refused.
bool reset_peak_resident_memory();

}  // namespace perfval::bench

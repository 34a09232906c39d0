// A process's resource usage read from Linux /proc: what `process_*` metrics report and the sampler's `pid` source.
#pragma once

#include <optional>
#include <string>

namespace perfval {

struct ProcessUsage {
  double resident_bytes = 0;      // resident set size, bytes (/proc/PID/stat rss * page size)
  double virtual_bytes = 0;       // virtual memory size, bytes
  double cpu_seconds = 0;         // user + system CPU time, seconds
  double start_time_seconds = 0;  // Unix time the process started, seconds
  std::optional<double> open_fds;  // open file descriptors (needs permission to list /proc/PID/fd)
  std::optional<double> max_fds;   // soft limit on open files (/proc/PID/limits)
};

// pid 0 reads the calling process. nullopt with `why` ("process 1234 does not exist (exited?)") when the
// process is gone or /proc cannot be read.
std::optional<ProcessUsage> read_process_usage(int pid, std::string* why = nullptr);

}  // namespace perfval

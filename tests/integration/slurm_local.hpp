// Test fixture for tests against a real SLURM 22.05: scripts/slurm-local.sh start/stop in a temporary directory,
// with the processes started for it found through /proc so a test can prove that stop leaves none behind.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "integration/process.hpp"

namespace perfval::test {

inline const std::string kSlurmLocal = std::string(PERFVAL_SOURCE_DIR) + "/scripts/slurm-local.sh";

inline ProcessResult slurm_local(const std::string& action, const std::string& dir) {
  return run_process({kSlurmLocal, action, dir}, std::chrono::seconds(240));
}

inline std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Processes started for `dir`: the daemons name it on their command line, the jobs carry SLURM_CONF=dir/...
inline std::vector<std::string> processes_of(const std::string& dir) {
  std::vector<std::string> found;
  const std::string conf = "SLURM_CONF=" + dir + "/slurm.conf";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(::getpid())) continue;
    std::string cmdline = read_text(entry.path() / "cmdline");
    std::string environ = read_text(entry.path() / "environ");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::replace(environ.begin(), environ.end(), '\0', '\n');
    const bool job = (environ.find("SLURM_JOB_ID=") != std::string::npos) && (environ.find(conf) != std::string::npos);
    if (cmdline.find(dir) != std::string::npos || job) found.push_back(pid + ": " + cmdline);
  }
  return found;
}

// A started cluster in a temporary directory, stopped (and checked for leftovers) by stop(). Skipped, saying
// why, where it cannot run: not root (slurmd launches jobs), or the SLURM packages absent and not installable
// (the script installs missing ones itself; CI has them, so there the tests run).
class RealSlurm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "scripts/slurm-local.sh needs root (slurmd launches jobs)";
    start_ = slurm_local("start", dir_.path());
    if (start_.exit_code != 0 && start_.err.find("missing packages") != std::string::npos) {
      GTEST_SKIP() << "no real SLURM on this machine: " << start_.err;
    }
    ASSERT_EQ(start_.exit_code, 0) << start_.out << start_.err;
    socket_ = last_line(start_.out);
    started_ = true;
  }
  void TearDown() override {
    if (started_) stop_and_expect_nothing_left();
  }
  void stop_and_expect_nothing_left() {
    started_ = false;
    const ProcessResult stop = slurm_local("stop", dir_.path());
    EXPECT_EQ(stop.exit_code, 0) << stop.err;
    EXPECT_THAT(processes_of(dir_.path()), ::testing::IsEmpty());
  }

  TempDir dir_;
  ProcessResult start_;
  std::string socket_;
  bool started_ = false;
};

}  // namespace perfval::test

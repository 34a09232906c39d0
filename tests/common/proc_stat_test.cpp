// Tests for read_process_usage (/proc) and percent_encode.
#include "perfval/common/proc_stat.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "perfval/common/format.hpp"
#include "support/proc_rss.hpp"

namespace perfval {
namespace {

TEST(ProcessUsage, ReadsThisProcess) {
  std::vector<char> touched(32 << 20, 1);  // 32 MiB resident
  const auto u = read_process_usage(0);
  ASSERT_TRUE(u);
  EXPECT_GE(u->resident_bytes, 32.0 * 1024 * 1024);
  EXPECT_NEAR(u->resident_bytes, test::rss_of(getpid()), 4.0 * 1024 * 1024);
  EXPECT_GE(u->virtual_bytes, u->resident_bytes);
  EXPECT_GE(u->cpu_seconds, 0.0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(u->start_time_seconds, now + 1);
  EXPECT_GT(u->start_time_seconds, now - 3600) << "this test process started within the hour";
  ASSERT_TRUE(u->open_fds);
  EXPECT_GE(*u->open_fds, 3.0);
  EXPECT_EQ(touched[12345], 1);
}

TEST(ProcessUsage, CpuTimeGrowsWithWork) {
  // Spin until the kernel's own CPU clock for this process says 0.3 s more (wall time would depend on load).
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  const double before = read_process_usage(getpid())->cpu_seconds;
  const double start = cpu_now();
  volatile double x = 0;
  while (cpu_now() < start + 0.3) x = x + 1;
  EXPECT_GT(read_process_usage(getpid())->cpu_seconds, before + 0.2);  // /proc counts in 10 ms ticks
}

TEST(ProcessUsage, AnExitedProcessIsNamed) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  std::string why;
  EXPECT_FALSE(read_process_usage(child, &why));
  EXPECT_EQ(why, "process " + std::to_string(child) + " does not exist (exited?)");
}

TEST(ProcessUsage, AnExitedButUnreapedProcessIsNotReadAsAlive) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  std::string why;
  for (int i = 0; i < 200 && read_process_usage(child, &why); ++i) usleep(10'000);  // until it is a zombie
  EXPECT_EQ(why, "process " + std::to_string(child) + " has exited");
  waitpid(child, nullptr, 0);
}

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("sum(rate(x{pod=~\"a-.*\"}[1m]))"), "sum%28rate%28x%7Bpod%3D~%22a-.%2A%22%7D%5B1m%5D%29%29");
  EXPECT_EQ(percent_encode("a b&c"), "a%20b%26c");
  EXPECT_EQ(percent_encode("\xC2\xB5"), "%C2%B5");
}

}  // namespace
}  // namespace perfval

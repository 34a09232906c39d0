// The machine description perfval bench records: the CPU model from /proc/cpuinfo texts of several
// architectures, and the values read from this machine.
#include "perfval/bench/machine_context.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace perfval::bench {
namespace {

TEST(MachineContext, CpuModelFromCpuinfo) {
  EXPECT_EQ(cpu_model_from_cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13 64-Core "
                                   "Processor  \nflags\t: fpu\n"),
            "AMD EPYC 7B13 64-Core Processor");
  EXPECT_EQ(cpu_model_from_cpuinfo("processor : 0\nBogoMIPS : 48.00\nModel : Raspberry Pi 4 Model B Rev 1.4\n"),
            "Raspberry Pi 4 Model B Rev 1.4");
  EXPECT_EQ(cpu_model_from_cpuinfo("processor\t: 0\ncpu model\t: Cavium Octeon II V0.1\n"), "Cavium Octeon II V0.1");
  EXPECT_EQ(cpu_model_from_cpuinfo("processor\t: 0\nmodel name\t:\n"), "");
  EXPECT_EQ(cpu_model_from_cpuinfo(""), "");
}

TEST(MachineContext, ThisMachine) {
  const MachineInfo m = read_machine_info();
  EXPECT_GT(m.cores, 0);
  EXPECT_GT(m.memory_bytes, 1 << 20);
  EXPECT_FALSE(m.kernel.empty());
  EXPECT_EQ(std::count(m.load_avg.begin(), m.load_avg.end(), ' '), 2) << m.load_avg;
}

}  // namespace
}  // namespace perfval::bench

// Allocation accounting behind Google Benchmark's MemoryManager: the global allocator hook (in perfval-bench)
// reports every operator new/delete here; benchmarks read per-thread totals, the manager reads process totals.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>

namespace perfval::bench {

// Called by the replaced global operator new/delete with the usable size of the block.
void note_allocation(std::size_t bytes) noexcept;
void note_free(std::size_t bytes) noexcept;

// Counts on the calling thread since it started; always on (two thread-local adds per allocation).
struct ThreadAllocations {
  std::int64_t allocations = 0;  // operator new calls
  std::int64_t bytes = 0;        // bytes handed out (usable size)
  std::int64_t freed_bytes = 0;  // bytes returned by operator delete on this thread

  std::int64_t net_bytes() const { return bytes - freed_bytes; }  // bytes still held, allocated here
};
ThreadAllocations thread_allocations() noexcept;

// Whether the allocator hook is linked in (it is in perfval-bench; unit tests without it see zero counts).
bool allocation_hook_installed() noexcept;
void mark_allocation_hook_installed() noexcept;

// Process-wide accounting between Start and Stop, for allocs_per_iter and max_bytes_used in the JSON.
class MemoryResultLedger;
class CountingMemoryManager final : public benchmark::MemoryManager {
 public:
  // Each result is also copied into `ledger` (if given) so reporters can show it after Google Benchmark's own
  // copy has moved (see memory_report.hpp).
  explicit CountingMemoryManager(MemoryResultLedger* ledger = nullptr) : ledger_(ledger) {}
  void Start() override;
  void Stop(Result* result) override;

 private:
  MemoryResultLedger* ledger_;
};

}  // namespace perfval::bench

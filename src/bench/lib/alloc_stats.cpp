// Allocation counters: thread-local totals always, process-wide totals and the peak only while a
// CountingMemoryManager is between Start and Stop (so other benchmarks pay one relaxed load per allocation).
#include "perfval/bench/alloc_stats.hpp"

#include <atomic>

#include "perfval/bench/memory_report.hpp"

namespace perfval::bench {
namespace {

thread_local ThreadAllocations tls_counts;

std::atomic<bool> recording{false};
std::atomic<bool> hook_installed{false};
std::atomic<std::int64_t> total_allocs{0};   // operator new calls since Start
std::atomic<std::int64_t> total_bytes{0};    // bytes allocated since Start
std::atomic<std::int64_t> in_use{0};         // bytes allocated minus bytes freed since Start
std::atomic<std::int64_t> peak_in_use{0};    // highest in_use since Start

}  // namespace

void note_allocation(std::size_t bytes) noexcept {
  const auto n = static_cast<std::int64_t>(bytes);
  tls_counts.allocations += 1;
  tls_counts.bytes += n;
  if (!recording.load(std::memory_order_relaxed)) return;
  total_allocs.fetch_add(1, std::memory_order_relaxed);
  total_bytes.fetch_add(n, std::memory_order_relaxed);
  const std::int64_t now = in_use.fetch_add(n, std::memory_order_relaxed) + n;
  std::int64_t peak = peak_in_use.load(std::memory_order_relaxed);
  while (now > peak && !peak_in_use.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void note_free(std::size_t bytes) noexcept {
  tls_counts.freed_bytes += static_cast<std::int64_t>(bytes);
  if (!recording.load(std::memory_order_relaxed)) return;
  in_use.fetch_sub(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
}

ThreadAllocations thread_allocations() noexcept { return tls_counts; }

bool allocation_hook_installed() noexcept { return hook_installed.load(std::memory_order_relaxed); }
void mark_allocation_hook_installed() noexcept { hook_installed.store(true, std::memory_order_relaxed); }

void CountingMemoryManager::Start() {
  total_allocs.store(0);
  total_bytes.store(0);
  in_use.store(0);
  peak_in_use.store(0);
  recording.store(true);
}

void CountingMemoryManager::Stop(Result* result) {
  recording.store(false);
  result->num_allocs = total_allocs.load();
  result->max_bytes_used = peak_in_use.load();
  result->total_allocated_bytes = total_bytes.load();
  result->net_heap_growth = in_use.load();
  if (ledger_) ledger_->record(result, *result);
}

}  // namespace perfval::bench

// The MemoryManager's accounting and the ledger that keeps its results valid for every repetition.
#include "perfval/bench/alloc_stats.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "perfval/bench/memory_report.hpp"

namespace perfval::bench {
namespace {

using Result = benchmark::MemoryManager::Result;

// Result's default constructor reads MemoryManager::TombstoneValue, which libbenchmark.so does not export, so
// tests build their Results from raw fields (the struct is four int64 and trivially copyable).
Result make_result(std::int64_t max_bytes_used = 0) {
  struct Raw {
    std::int64_t num_allocs, max_bytes_used, total_allocated_bytes, net_heap_growth;
  };
  static_assert(sizeof(Raw) == sizeof(Result));
  return std::bit_cast<Result>(Raw{0, max_bytes_used, 0, 0});
}

TEST(CountingMemoryManager, CountsAllocationsPeakAndGrowthBetweenStartAndStop) {
  note_allocation(1000);  // before Start: not counted
  CountingMemoryManager manager;
  manager.Start();
  note_allocation(100);
  note_allocation(300);
  note_free(300);
  note_allocation(50);
  Result r = make_result();
  manager.Stop(&r);
  note_allocation(5000);  // after Stop: not counted
  EXPECT_EQ(r.num_allocs, 3);
  EXPECT_EQ(r.max_bytes_used, 400);
  EXPECT_EQ(r.total_allocated_bytes, 450);
  EXPECT_EQ(r.net_heap_growth, 150);
}

TEST(CountingMemoryManager, ThreadCountsAreAlwaysOn) {
  const auto before = thread_allocations();
  note_allocation(64);
  note_free(64);
  const auto after = thread_allocations();
  EXPECT_EQ(after.allocations - before.allocations, 1);
  EXPECT_EQ(after.bytes - before.bytes, 64);
  EXPECT_EQ(after.net_bytes() - before.net_bytes(), 0);
}

TEST(MemoryResultLedger, EachRepetitionGetsItsOwnCopyEvenWhenAddressesRepeat) {
  MemoryResultLedger ledger;
  Result slot_a = make_result(), slot_b = make_result();
  const Result first = make_result(1), second = make_result(2), third = make_result(3);
  ledger.record(&slot_a, first);
  ledger.record(&slot_b, second);
  ledger.record(&slot_a, third);  // the vector moved and a later repetition landed on a reused address
  const Result* r0 = ledger.claim("memory/x", 0, &slot_a);
  const Result* r1 = ledger.claim("memory/x", 1, &slot_b);
  const Result* r2 = ledger.claim("memory/x", 2, &slot_a);
  ASSERT_TRUE(r0 && r1 && r2);
  EXPECT_EQ(r0->max_bytes_used, 1);
  EXPECT_EQ(r1->max_bytes_used, 2);
  EXPECT_EQ(r2->max_bytes_used, 3);
  EXPECT_EQ(ledger.claim("memory/x", 1, &slot_b), r1);  // a second reporter sees the same copy
}

TEST(MemoryResultLedger, UnclaimedResultsAreDroppedAfterABatch) {
  MemoryResultLedger ledger;
  Result slot = make_result(), value = make_result();
  ledger.record(&slot, value);  // a failed repetition whose run carries no memory result
  ledger.drop_unclaimed();
  EXPECT_EQ(ledger.claim("memory/y", 0, &slot), nullptr);
}

}  // namespace
}  // namespace perfval::bench

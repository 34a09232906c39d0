// The global allocator hook: operator new/delete replaced to report usable sizes to alloc_stats, which feeds
// CountingMemoryManager (allocs_per_iter, max_bytes_used) and the allocation benchmarks' own counters.
// Aligned forms are left to the library: they pair with each other and are never counted.
#include <malloc.h>

#include <cstdlib>
#include <new>

#include "perfval/bench/alloc_stats.hpp"

namespace {

void* counted_alloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p) perfval::bench::note_allocation(malloc_usable_size(p));
  return p;
}

void counted_free(void* p) noexcept {
  if (!p) return;
  perfval::bench::note_free(malloc_usable_size(p));
  std::free(p);
}

void* counted_alloc_or_throw(std::size_t size) {
  for (;;) {
    if (void* p = counted_alloc(size)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

const bool installed = [] {
  perfval::bench::mark_allocation_hook_installed();
  return true;
}();

}  // namespace

void* operator new(std::size_t size) { return counted_alloc_or_throw(size); }
void* operator new[](std::size_t size) { return counted_alloc_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

// Private to perfval_loadgen: a tiny random generator (splitmix64, 8 bytes of state) for per-VU template values
// and random data rows, where a std::mt19937_64 (2.5 KiB) would exceed a VU's memory budget.
#pragma once

#include <cstdint>

namespace perfval::loadgen::detail {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, n) for n > 0 (Lemire's multiply-shift without rejection: bias at most n / 2^64).
inline std::uint64_t uniform_below(std::uint64_t& state, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(splitmix64(state)) * n) >> 64);
}

}  // namespace perfval::loadgen::detail

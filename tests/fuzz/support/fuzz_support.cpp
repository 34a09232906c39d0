// Invariant checks and input splitting for the fuzz targets (fuzz_support.hpp).
#include "fuzz_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace perfval::fuzz {

void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

std::uint8_t InputReader::take_byte() {
  if (pos_ >= size_) return 0;
  return data_[pos_++];
}

std::size_t InputReader::take_split(std::size_t max) {
  return 1 + take_byte() % std::max<std::size_t>(max, 1);
}

std::string_view InputReader::rest() const {
  return {reinterpret_cast<const char*>(data_) + pos_, size_ - pos_};
}

bool close_enough(double a, double b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace perfval::fuzz

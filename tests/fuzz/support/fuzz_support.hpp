// Helpers shared by the fuzz targets: invariant checks that abort (so libFuzzer keeps the input) and a reader
// that splits one fuzz input into choices and text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace perfval::fuzz {

// Stops the process with `what` when an invariant does not hold. Not assert(): fuzz builds define NDEBUG.
void require(bool holds, const char* what);

// Reads an input from the front: small numbers that steer the target, then the rest as text.
class InputReader {
 public:
  InputReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  // One byte from the front (0 when the input is used up).
  std::uint8_t take_byte();
  // A size in [1, max] from the front: how many bytes the next feed() gets.
  std::size_t take_split(std::size_t max);
  // Everything not taken yet.
  std::string_view rest() const;
  std::size_t remaining() const { return size_ - pos_; }

 private:
  const std::uint8_t* data_;  // the fuzz input
  std::size_t size_;          // bytes in the input
  std::size_t pos_ = 0;       // bytes taken so far
};

// The whole input as text (most readers take a std::string).
inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Relative equality for values that went through text and back (baselines, summaries).
bool close_enough(double a, double b);

}  // namespace perfval::fuzz

// Fuzz target: the Go benchmark text reader (`go test -bench` output) of `perfval regress`. Bad input must be a perfval::Error;
// what reads must be consistent: every measurement keyed bench:<run>:<field>, its value the mean of its
// repetitions, every benchmark named.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "perfval/common/error.hpp"
#include "perfval/regression/results.hpp"
#include "support/fuzz_support.hpp"
#include "support/results_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfval::regression::RunResults results;
  try {
    perfval::regression::read_results_text(perfval::fuzz::as_text(data, size), "fuzz.txt", results);
  } catch (const perfval::Error&) {
    return 0;
  }
  perfval::fuzz::check_results(results);
  return 0;
}

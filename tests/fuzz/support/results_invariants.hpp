// What any RunResults a reader returns must satisfy (the Google Benchmark and Go benchmark targets).
#pragma once

#include "perfval/regression/results.hpp"

namespace perfval::fuzz {

// Keys match their map keys and name a listed benchmark; a benchmark's value lies within its repetitions.
void check_results(const regression::RunResults& results);

}  // namespace perfval::fuzz

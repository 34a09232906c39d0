// Fuzz target: the capacity data-file reader (`perfval capacity --data FILE`, CSV or JSON). Bad input must be
// a perfval::Error; a table that reads has one value per row in every column, strictly increasing
// timestamps, and each column's series keeps the table's order and values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "perfval/capacity/series.hpp"
#include "perfval/common/error.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace perfval::capacity;
using perfval::fuzz::require;

void check_table(const DataTable& t, bool csv) {
  require(t.values.size() == t.columns.size() && t.column_errors.size() == t.columns.size(),
          "columns, values and column errors disagree in number");
  for (const auto& column : t.values) require(column.size() == t.timestamps.size(), "a column with another row count");
  for (std::size_t i = 1; i < t.timestamps.size(); ++i) {
    require(t.timestamps[i - 1] < t.timestamps[i], "timestamps not strictly increasing");
  }
  for (const double ts : t.timestamps) require(std::isfinite(ts), "a timestamp that is not finite");
  if (csv) require(t.lines.size() == t.timestamps.size(), "CSV rows without their line numbers");
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto s = column_series(t, t.columns[c], t.columns[c]);
    require(s.has_value(), "a column the table lists has no series");
    require(s->t.size() == s->v.size(), "a series with more times than values");
    for (std::size_t i = 1; i < s->t.size(); ++i) require(s->t[i - 1] < s->t[i], "series times not increasing");
    for (const double v : s->v) require(!std::isnan(v), "a gap kept in a series");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = perfval::fuzz::as_text(data, size);
  // Both readers on every input: load_data_file picks one by extension or first character.
  try {
    check_table(parse_csv(text, "fuzz.csv"), true);
  } catch (const perfval::Error&) {
  }
  try {
    check_table(parse_json_table(text, "fuzz.json"), false);
  } catch (const perfval::Error&) {
  }
  return 0;
}

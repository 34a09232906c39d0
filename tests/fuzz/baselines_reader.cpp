// Fuzz target: the baselines reader (baselines/*.yaml) and --update-baseline's rewrite. Bad input must be a
// perfval::Error; a file that loads must still load after its values are rewritten, with the new values and
// the same entries.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "perfval/common/error.hpp"
#include "perfval/regression/baseline.hpp"
#include "support/fuzz_support.hpp"

using namespace perfval::regression;
using perfval::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = perfval::fuzz::as_text(data, size);
  BaselineFile file;
  try {
    file = parse_baselines(text, "fuzz.yaml");
  } catch (const perfval::Error&) {
    return 0;
  }
  std::map<std::string, double> new_values;
  for (const BaselineEntry& e : file.entries) {
    require(!e.name.empty() && !e.metric.empty() && !e.unit.empty(), "an entry without name, metric or unit");
    require(e.source.kind == MetricSource::Kind::lookup || !e.source.name.empty(), "a source without a name");
    require(e.source.kind != MetricSource::Kind::summary || !e.source.field.empty(), "a summary source without a field");
    require(e.tolerance_pct >= 0, "a negative tolerance");
    require(e.value_offset < text.size(), "the baseline value's offset lies outside the file");
    new_values[e.name] = 1.5 + static_cast<double>(new_values.size());
  }
  // What --update-baseline writes must read back as the same entries with the new values.
  const std::string updated = update_baseline_text(file, new_values);
  BaselineFile again;
  try {
    again = parse_baselines(updated, "fuzz.yaml");
  } catch (const perfval::Error&) {
    require(false, "an updated baselines file no longer loads");
  }
  require(again.entries.size() == file.entries.size(), "updating changes the number of entries");
  for (std::size_t i = 0; i < file.entries.size(); ++i) {
    const BaselineEntry& e = again.entries[i];
    require(e.name == file.entries[i].name && e.unit == file.entries[i].unit, "updating changes an entry");
    require(e.baseline == new_values.at(e.name), "an updated entry does not read back its new value");
  }
  return 0;
}

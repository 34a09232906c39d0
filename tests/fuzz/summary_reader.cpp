// Fuzz target: the summary.json reader (perfval/summary/v1) and `perfval merge`. Bad input must be a
// perfval::Error; a summary that reads must survive a write/read round trip unchanged, and merged with itself
// (as segments 0/2 and 1/2 of one run) must double its counts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/summary.hpp"
#include "perfval/loadgen/summary_io.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace perfval::loadgen;
using perfval::fuzz::require;

void check_doubled(const RunSummary& one, const RunSummary& merged) {
  const RequestStats a = one.totals.total();
  const RequestStats m = merged.totals.total();
  require(m.requests == a.requests + a.requests && m.failed == a.failed + a.failed, "self-merge: requests not doubled");
  require(m.bytes_received == a.bytes_received + a.bytes_received, "self-merge: bytes not doubled");
  require(m.duration.count() == 2 * a.duration.count(), "self-merge: histogram count not doubled");
  require(merged.totals.iterations == one.totals.iterations + one.totals.iterations, "self-merge: iterations not doubled");
  require(merged.totals.by_request.size() == one.totals.by_request.size(), "self-merge changes the requests");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Syntax errors are read_summary's job (nlohmann's message); everything after them is the reader's.
  const nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  RunSummary s;
  try {
    s = summary_from_json(doc, "fuzz.json");
  } catch (const perfval::Error&) {
    return 0;
  }
  const nlohmann::json written = summary_to_json(s);
  const RunSummary back = summary_from_json(written, "written.json");
  require(summary_to_json(back) == written, "a summary changes when written and read back");

  RunSummary a = s;
  RunSummary b = s;
  a.segment = "0/2";
  b.segment = "1/2";
  const RunSummary merged = merge_summaries({a, b}, {"a.json", "b.json"});
  check_doubled(s, merged);
  return 0;
}

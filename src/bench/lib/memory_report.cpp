// The ledger and the reporter wrapper that keep max_bytes_used and friends valid for every repetition.
#include "perfval/bench/memory_report.hpp"

namespace perfval::bench {

void MemoryResultLedger::record(const Result* where, const Result& value) { pending_.push_back({where, value}); }

const MemoryResultLedger::Result* MemoryResultLedger::claim(const std::string& run_name, std::int64_t repetition,
                                                            const Result* where) {
  const auto key = std::make_pair(run_name, repetition);
  if (const auto it = by_run_.find(key); it != by_run_.end()) return it->second;
  for (auto& e : pending_) {
    if (e.claimed || e.where != where) continue;
    e.claimed = true;
    stable_.push_back(e.value);
    return by_run_[key] = &stable_.back();
  }
  return nullptr;
}

void MemoryResultLedger::drop_unclaimed() { pending_.clear(); }

StableMemoryReporter::StableMemoryReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner,
                                           MemoryResultLedger& ledger, bool drops_after_report)
    : inner_(std::move(inner)), ledger_(ledger), drops_after_report_(drops_after_report) {}

bool StableMemoryReporter::ReportContext(const Context& context) {
  // RunSpecifiedBenchmarks sets the streams on this wrapper; the inner reporter writes to the same ones.
  inner_->SetOutputStream(&GetOutputStream());
  inner_->SetErrorStream(&GetErrorStream());
  return inner_->ReportContext(context);
}

void StableMemoryReporter::ReportRuns(const std::vector<Run>& runs) {
  std::vector<Run> fixed = runs;
  for (Run& r : fixed) {
    if (r.memory_result != nullptr) r.memory_result = ledger_.claim(r.run_name.str(), r.repetition_index, r.memory_result);
  }
  inner_->ReportRuns(fixed);
  if (drops_after_report_) ledger_.drop_unclaimed();
}

void StableMemoryReporter::Finalize() { inner_->Finalize(); }

}  // namespace perfval::bench

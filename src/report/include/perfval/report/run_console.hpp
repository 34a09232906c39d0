// Console output of `perfval run`: the end-of-run summary and the live progress line.
#pragma once

#include <string>

#include "perfval/loadgen/summary.hpp"

namespace perfval::report {

// The k6-style summary: metrics, per-request table, status codes, errors, thresholds (✓/✗), and exactly one
// closing line, "✅ LOAD TEST PASSED" or "❌ LOAD TEST FAILED".
std::string render_run_summary(const loadgen::RunSummary& summary);

// The step table of a ramping run with the capacity and knee lines ("" when the run has no steps).
std::string render_steps(const loadgen::RunSummary& summary);
// "capacity within SLA: 300 VUs, 287 req/s; broke at 400 VUs: p(99)=11.2s >= 10s" ("" without steps).
std::string capacity_line(const loadgen::RunSummary& summary);
// "knee (throughput stops growing): ..." ("" without steps).
std::string knee_line(const loadgen::RunSummary& summary);

// One progress line: elapsed/total, VUs, req/s, p95, error %.
std::string render_progress(const loadgen::LiveView& view);

}  // namespace perfval::report

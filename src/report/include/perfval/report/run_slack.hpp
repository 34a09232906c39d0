// The Slack message for a load run (`perfval run --slack`): a Block Kit payload with the verdict and key figures.
#pragma once

#include <string>

#include "perfval/loadgen/summary.hpp"

namespace perfval::report {

// JSON text of a Slack incoming-webhook payload: headline verdict, figures, failed thresholds.
std::string run_slack_payload(const loadgen::RunSummary& summary);

}  // namespace perfval::report

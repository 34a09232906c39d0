// Reports of `perfval changepoints`: the change points and drift of each series of a data file.
#pragma once

#include <string>
#include <vector>

#include "perfval/regression/change_point.hpp"

namespace perfval::report {

struct SeriesChangePoints {
  std::string name;                              // column of the data file
  std::vector<std::string> times;                // time of each point, as the file gave it (RFC 3339 in UTC)
  std::vector<double> values;                    // the series (file units)
  regression::ChangePointAnalysis analysis;      // what the detector found
};

struct ChangePointsReport {
  std::string file;                              // data file read
  regression::ChangePointOptions options;        // detector settings used
  std::vector<SeriesChangePoints> series;        // in file column order
};

std::string render_changepoints_console(const ChangePointsReport& r);
// Schema perfval/changepoints/v1.
std::string render_changepoints_json(const ChangePointsReport& r);

}  // namespace perfval::report

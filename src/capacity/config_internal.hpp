// Helpers shared by the capacity config readers (config.cpp, config_simulation.cpp); not a public header.
#pragma once

#include "perfval/capacity/config.hpp"
#include "perfval/common/yaml_reader.hpp"

namespace perfval::capacity {

// "30d", "12h" -> days; errors name the field.
double days_value(const YamlValue& v);
// A positive number or percentage ("80%" -> 80).
double threshold_value(const YamlValue& v);
// The `simulation:` section applied over the defaults.
SimulationConfig parse_simulation(const YamlValue& v, SimulationConfig s);

}  // namespace perfval::capacity

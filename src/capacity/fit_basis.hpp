// The design basis shared by fitting and evaluation: trend columns and Fourier seasonality columns.
#pragma once

#include <cmath>
#include <numbers>

namespace perfval::capacity::basis {

// Column layout of the full design matrix. Every model uses a subset.
inline constexpr int kIntercept = 0;
inline constexpr int kLinear = 1;     // u = (t - t_end) / scale
inline constexpr int kQuadratic = 2;  // u^2
inline constexpr int kDaily = 3;      // 2 harmonics of a 24 h period: sin, cos, sin, cos
inline constexpr int kDailyHarmonics = 2;
inline constexpr int kWeekly = kDaily + 2 * kDailyHarmonics;  // 3 harmonics of a 7 d period
inline constexpr int kWeeklyHarmonics = 3;
inline constexpr int kColumns = kWeekly + 2 * kWeeklyHarmonics;

inline constexpr double kDay = 86400.0;
inline constexpr double kWeek = 7 * kDay;

// Fills out[0..kColumns) for Unix time t. Fourier phases use absolute time so every fit shares them.
inline void fill(double t, double t_end, double scale, double* out) {
  const double u = (t - t_end) / scale;
  out[kIntercept] = 1.0;
  out[kLinear] = u;
  out[kQuadratic] = u * u;
  const double wd = 2 * std::numbers::pi * std::fmod(t, kDay) / kDay;
  for (int k = 0; k < kDailyHarmonics; ++k) {
    out[kDaily + 2 * k] = std::sin((k + 1) * wd);
    out[kDaily + 2 * k + 1] = std::cos((k + 1) * wd);
  }
  const double ww = 2 * std::numbers::pi * std::fmod(t, kWeek) / kWeek;
  for (int k = 0; k < kWeeklyHarmonics; ++k) {
    out[kWeekly + 2 * k] = std::sin((k + 1) * ww);
    out[kWeekly + 2 * k + 1] = std::cos((k + 1) * ww);
  }
}

inline bool is_seasonal(int column) { return column >= kDaily; }

}  // namespace perfval::capacity::basis

// Statistics for regression gating as pure functions over samples: summaries, the t, F and normal distributions
// and the Mann-Whitney U test.
#pragma once

#include <cstddef>
#include <vector>

namespace perfval::regression {

double mean(const std::vector<double>& xs);    // 0 for an empty sample
double median(const std::vector<double>& xs);  // 0 for an empty sample
double stddev(const std::vector<double>& xs);  // sample standard deviation (n-1); 0 below two values
double coefficient_of_variation(const std::vector<double>& xs);  // stddev / |mean|, 0 when the mean is 0

// Robust standard deviation: 1.4826 times the median absolute deviation from the median (0 below two values).
double robust_sd(const std::vector<double>& xs);

// Regularized incomplete beta function I_x(a, b) for 0 <= x <= 1, a, b > 0.
double incomplete_beta(double x, double a, double b);

// Two-sided tail probability P(|T| >= |t|) of Student's t distribution with `df` > 0 degrees of freedom
// (1 for df <= 0 or a t that is not a number).
double student_t_two_sided_p(double t, double df);
// Student's t cumulative distribution function with `df` degrees of freedom (df > 0).
double student_t_cdf(double t, double df);
// Its inverse: the t with student_t_cdf(t, df) = p, for 0 < p < 1.
double student_t_quantile(double p, double df);

// F distribution with (d1, d2) degrees of freedom: its cumulative distribution function and inverse.
double f_cdf(double x, double d1, double d2);
double f_quantile(double p, double d1, double d2);

// Standard normal cumulative distribution function.
double normal_cdf(double z);
// Its inverse: the z with normal_cdf(z) = p, for 0 < p < 1.
double normal_quantile(double p);
// The critical value of a two-sided test at level `alpha`: Student's t with `df` degrees of freedom, or the
// normal's when df <= 0 (the noise known rather than estimated).
double two_sided_critical(double alpha, double df);

// The result of a two-sided Mann-Whitney U (Wilcoxon rank-sum) test of x against y.
struct MannWhitneyResult {
  double u1 = 0;       // U of x: pairs (x_i, y_j) with x_i > y_j, ties counting one half
  double u2 = 0;       // U of y: n1 * n2 - u1
  double u = 0;        // min(u1, u2), the value textbooks tabulate
  double z = 0;        // normal-approximation z with tie and continuity correction (0 when exact)
  double p_value = 1;  // two-sided probability of a U at least this extreme under "same distribution"
  bool exact = false;  // true: exact null distribution (no ties, small samples); false: normal approximation
  bool ties = false;   // the pooled samples contain tied values
};

// Exact p-values are used when there are no ties and both samples have at most `exact_limit` values;
// otherwise the normal approximation with tie-corrected variance and continuity correction.
// Throws std::invalid_argument when either sample is empty.
MannWhitneyResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y,
                                 std::size_t exact_limit = 20);

// Hodges-Lehmann estimate of the shift y - x with the distribution-free confidence interval that goes with
// the Mann-Whitney test: order statistics of the n1 * n2 pairwise differences y_j - x_i.
struct ShiftInterval {
  double estimate = 0;  // median of the pairwise differences (units of the samples)
  double lower = 0;     // lower confidence bound of the shift
  double upper = 0;     // upper confidence bound of the shift
  double confidence = 0;  // coverage actually achieved (>= 1 - alpha where the samples allow), 0..1
};

// Exact order-statistic ranks for samples of at most `exact_limit` values, normal approximation above.
// With samples too small to reach 1 - alpha the interval is the full range of differences.
ShiftInterval shift_interval(const std::vector<double>& x, const std::vector<double>& y, double alpha = 0.05,
                             std::size_t exact_limit = 20);

}  // namespace perfval::regression

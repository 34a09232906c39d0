// Weighted least squares with Eigen over one design matrix: every candidate, every backtest fold, one pass each.
#include "fit_engine.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "fit_basis.hpp"

namespace perfval::capacity::engine {

namespace {

using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

// Weighted normal equations over a prefix of the rows.
struct Normal {
  Mat g = Mat::Zero(basis::kColumns, basis::kColumns);  // X' W X
  Vec b = Vec::Zero(basis::kColumns);                    // X' W z
  double zz = 0;                                         // z' W z
  double n_eff = 0;                                      // rows with non-zero weight
};

Mat build_design(const FitData& d) {
  Mat x(static_cast<Eigen::Index>(d.t.size()), basis::kColumns);
  double row[basis::kColumns];
  for (std::size_t i = 0; i < d.t.size(); ++i) {
    basis::fill(d.t[i], d.t_end, d.scale, row);
    for (int c = 0; c < basis::kColumns; ++c) x(static_cast<Eigen::Index>(i), c) = row[c];
  }
  return x;
}

void accumulate(const Mat& x, const Vec& z, const Vec& w, std::size_t begin, std::size_t end, Normal& acc) {
  if (end <= begin) return;
  const auto b = static_cast<Eigen::Index>(begin);
  const auto len = static_cast<Eigen::Index>(end - begin);
  const Mat xw = x.middleRows(b, len).array().colwise() * w.segment(b, len).array();
  acc.g.noalias() += xw.transpose() * x.middleRows(b, len);
  acc.b.noalias() += xw.transpose() * z.segment(b, len);
  acc.zz += (z.segment(b, len).array().square() * w.segment(b, len).array()).sum();
  acc.n_eff += static_cast<double>((w.segment(b, len).array() > 0).count());
}

std::vector<int> columns_of(const Candidate& c) {
  std::vector<int> cols{basis::kIntercept, basis::kLinear};
  if (c.kind == ModelKind::quadratic) cols.push_back(basis::kQuadratic);
  if (c.daily) {
    for (int k = 0; k < 2 * basis::kDailyHarmonics; ++k) cols.push_back(basis::kDaily + k);
  }
  if (c.weekly) {
    for (int k = 0; k < 2 * basis::kWeeklyHarmonics; ++k) cols.push_back(basis::kWeekly + k);
  }
  return cols;
}

// Solves the normal equations restricted to `cols`. Returns false for a singular or non-finite system.
struct Solution {
  Vec beta;
  Mat inverse;     // (X'WX)^-1 over cols, when requested
  double sse = 0;  // weighted residual sum of squares in the fitting space
};

bool solve(const Normal& acc, const std::vector<int>& cols, bool want_inverse, Solution& out) {
  const auto p = static_cast<Eigen::Index>(cols.size());
  if (acc.n_eff < static_cast<double>(p) + 2) return false;
  Mat a(p, p);
  Vec r(p);
  for (Eigen::Index i = 0; i < p; ++i) {
    r(i) = acc.b(cols[static_cast<std::size_t>(i)]);
    for (Eigen::Index j = 0; j < p; ++j) a(i, j) = acc.g(cols[static_cast<std::size_t>(i)], cols[static_cast<std::size_t>(j)]);
  }
  const Mat exact = a;
  a.diagonal().array() += 1e-12 * a.trace() / static_cast<double>(p);
  const Eigen::LDLT<Mat> ldlt(a);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return false;
  out.beta = ldlt.solve(r);
  if (!out.beta.allFinite()) return false;
  out.sse = std::max(0.0, acc.zz - 2 * out.beta.dot(r) + out.beta.dot(exact * out.beta));
  if (want_inverse) out.inverse = ldlt.solve(Mat::Identity(p, p));
  return true;
}

double to_metric(ModelKind kind, double z, double capacity) {
  switch (kind) {
    case ModelKind::exponential:
      return std::exp(std::min(z, 700.0));
    case ModelKind::logistic:
      return capacity / (1.0 + std::exp(std::min(-z, 700.0)));
    default:
      return z;
  }
}

double row_predict(const Mat& x, std::size_t i, const std::vector<int>& cols, const Vec& beta, ModelKind kind,
                   double capacity) {
  double z = 0;
  for (std::size_t k = 0; k < cols.size(); ++k) z += x(static_cast<Eigen::Index>(i), cols[k]) * beta(static_cast<Eigen::Index>(k));
  return std::max(0.0, to_metric(kind, z, capacity));
}

// The forecast of a fold's scored rows [train_end, score_end).
std::vector<double> fold_predictions(const Mat& x, const Fold& f, const std::vector<int>& cols, const Vec& beta,
                                     ModelKind kind, double capacity) {
  std::vector<double> out;
  out.reserve(f.score_end - f.train_end);
  for (std::size_t i = f.train_end; i < f.score_end; ++i) out.push_back(row_predict(x, i, cols, beta, kind, capacity));
  return out;
}

FittedModel make_model(const FitData& d, const Candidate& c, const std::vector<int>& cols, const Solution& s,
                       double capacity, double n_eff) {
  FittedModel m;
  m.kind = c.kind;
  m.daily = c.daily;
  m.weekly = c.weekly;
  m.t_end = d.t_end;
  m.scale = d.scale;
  m.capacity = capacity;
  m.columns = cols;
  m.coef.assign(s.beta.data(), s.beta.data() + s.beta.size());
  const auto p = s.inverse.rows();
  m.cov.resize(static_cast<std::size_t>(p * p));
  for (Eigen::Index i = 0; i < p; ++i) {
    for (Eigen::Index j = 0; j < p; ++j) m.cov[static_cast<std::size_t>(i * p + j)] = s.inverse(i, j);
  }
  const double dof = std::max(1.0, n_eff - static_cast<double>(cols.size()));
  m.sigma_z = std::sqrt(s.sse / dof);
  return m;
}

void in_sample(const FitData& d, const Mat& x, Evaluation& e, std::size_t begin) {
  double sw = 0, swy = 0;
  for (std::size_t i = begin; i < d.y.size(); ++i) {
    sw += d.w[i];
    swy += d.w[i] * d.y[i];
  }
  const double mean = sw > 0 ? swy / sw : 0;
  const Vec beta = Eigen::Map<const Vec>(e.model.coef.data(), static_cast<Eigen::Index>(e.model.coef.size()));
  e.sse = 0;
  e.sst = 0;
  e.n_eff = 0;
  for (std::size_t i = begin; i < d.y.size(); ++i) {
    if (d.w[i] <= 0) continue;
    e.n_eff += 1;
    const double r = row_predict(x, i, e.model.columns, beta, e.model.kind, e.model.capacity) - d.y[i];
    e.sse += r * r;
    e.sst += (d.y[i] - mean) * (d.y[i] - mean);
  }
}

}  // namespace

// Linear, quadratic (response y) and exponential (response log y): one prefix pass per response; candidates
// fitted since the last level shift accumulate their own rows per fold.
static void evaluate_direct(const FitData& d, const Mat& x, const std::vector<Fold>& folds, std::size_t final_start,
                            bool log_space, const std::vector<std::size_t>& members,
                            const std::vector<Candidate>& candidates, std::vector<Evaluation>& out) {
  const std::size_t n = d.y.size();
  Vec z(static_cast<Eigen::Index>(n)), w(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    w(k) = d.w[i];
    if (log_space && d.w[i] > 0 && d.y[i] <= 0) return;  // exponential needs positive values: leave not ok
    z(k) = log_space ? (d.y[i] > 0 ? std::log(d.y[i]) : 0.0) : d.y[i];
  }
  std::vector<bool> failed(members.size(), false);
  Normal acc;
  std::size_t done = 0;
  // Rows [start, end) are the prefix to end minus the prefix to start; origins mostly share a start.
  std::size_t cached_start = 0;
  Normal head;
  for (std::size_t f = 0; f <= folds.size(); ++f) {
    const bool final_fit = f == folds.size();
    const std::size_t end = final_fit ? n : folds[f].train_end;
    const std::size_t start = final_fit ? final_start : folds[f].start;
    accumulate(x, z, w, done, end, acc);
    done = end;
    Normal recent;
    if (start > 0) {
      if (start != cached_start) {
        head = Normal{};
        accumulate(x, z, w, 0, start, head);
        cached_start = start;
      }
      recent.g = acc.g - head.g;
      recent.b = acc.b - head.b;
      recent.zz = acc.zz - head.zz;
      recent.n_eff = acc.n_eff - head.n_eff;
    }
    for (std::size_t m = 0; m < members.size(); ++m) {
      Evaluation& e = out[members[m]];
      const Candidate& c = candidates[members[m]];
      const auto cols = columns_of(c);
      const Normal& normal = c.recent && start > 0 ? recent : acc;
      Solution s;
      if (!solve(normal, cols, final_fit, s)) {
        failed[m] = true;
        continue;
      }
      if (!final_fit) {
        e.preds.push_back(fold_predictions(x, folds[f], cols, s.beta, c.kind, 0));
        continue;
      }
      e.ok = !failed[m];
      e.model = make_model(d, c, cols, s, 0, normal.n_eff);
      e.model.t_from = d.t[c.recent ? start : 0];
      e.params = cols.size() + 1;
      in_sample(d, x, e, c.recent ? start : 0);
    }
  }
}

namespace {

// Ceilings tried for a saturating series, as multiples of the largest value seen in training.
constexpr double kCeilings[] = {1.02, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0};

// The best logistic fit over the ceilings for rows [0, end): a ceiling is judged by its weighted residuals,
// whose weights make them approximate residuals in metric units.
struct LogisticFit {
  bool ok = false;
  Solution s;
  double capacity = 0;
  double n_eff = 0;
};

void fit_logistic_prefix(const FitData& d, const Mat& x, std::size_t end, const std::vector<std::size_t>& members,
                         const std::vector<Candidate>& candidates, bool want_inverse, std::vector<LogisticFit>& best) {
  double ymax = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (d.w[i] > 0) ymax = std::max(ymax, d.y[i]);
  }
  best.assign(members.size(), {});
  if (ymax <= 0) return;
  Vec z(static_cast<Eigen::Index>(end)), w(static_cast<Eigen::Index>(end));
  for (double factor : kCeilings) {
    const double k = ymax * factor;
    for (std::size_t i = 0; i < end; ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      const double y = std::max(d.y[i], 1e-12 * k);
      z(r) = std::log(y / (k - y));
      const double slope = y * (1 - y / k);  // dy/dz
      w(r) = d.w[i] * slope * slope;
    }
    Normal acc;
    accumulate(x, z, w, 0, end, acc);
    for (std::size_t m = 0; m < members.size(); ++m) {
      Solution s;
      if (!solve(acc, columns_of(candidates[members[m]]), want_inverse, s)) continue;
      if (!best[m].ok || s.sse < best[m].s.sse) best[m] = {true, s, k, acc.n_eff};
    }
  }
}

double logistic_sse(const Mat& xs, const Vec& y, const Vec& w, const Vec& theta, Vec& s, Vec& r) {
  const auto p = xs.cols();
  s = (-(xs * theta.head(p)).array().max(-700.0).min(700.0)).exp();
  s = (1.0 + s.array()).inverse();
  r = y - theta(p) * s;
  return (r.array().square() * w.array()).sum();
}

// Levenberg-Marquardt in metric units from the best ceiling of the grid: the ceiling and the coefficients are
// estimated together, so the ceiling is not tied to the largest (noisy) value seen.
void refine_logistic(const FitData& d, const Mat& x, std::size_t end, const std::vector<int>& cols,
                     bool want_inverse, LogisticFit& fit) {
  const auto n = static_cast<Eigen::Index>(end);
  const auto p = static_cast<Eigen::Index>(cols.size());
  Mat xs(n, p);
  for (Eigen::Index c = 0; c < p; ++c) xs.col(c) = x.col(cols[static_cast<std::size_t>(c)]).head(n);
  const Vec y = Eigen::Map<const Vec>(d.y.data(), n);
  const Vec w = Eigen::Map<const Vec>(d.w.data(), n);
  Vec theta(p + 1), s, r, s2, r2;
  theta << fit.s.beta, fit.capacity;
  double current = logistic_sse(xs, y, w, theta, s, r);
  double lambda = 1e-3;
  Mat jac(n, p + 1);
  for (int iter = 0; iter < 8; ++iter) {
    jac.leftCols(p) = xs.array().colwise() * (theta(p) * s.array() * (1 - s.array()));
    jac.col(p) = s;
    const Mat jw = jac.array().colwise() * w.array();
    const Mat a = jw.transpose() * jac;
    const Vec g = jw.transpose() * r;
    bool accepted = false;
    for (int tries = 0; tries < 8 && !accepted; ++tries) {
      Mat damped = a;
      damped.diagonal() *= 1 + lambda;
      const Vec candidate = theta + damped.ldlt().solve(g);
      const double sse = candidate.allFinite() && candidate(p) > 0 ? logistic_sse(xs, y, w, candidate, s2, r2) : INFINITY;
      if (sse < current) {
        accepted = true;
        const bool converged = current - sse < 1e-10 * current;
        theta = candidate;
        current = sse;
        s.swap(s2);
        r.swap(r2);
        lambda = std::max(lambda / 4, 1e-9);
        if (converged) iter = 8;
      } else {
        lambda *= 8;
      }
    }
    if (!accepted) break;
  }
  fit.s.beta = theta.head(p);
  fit.capacity = theta(p);
  fit.s.sse = current;
  if (!want_inverse) return;
  jac.leftCols(p) = xs.array().colwise() * (theta(p) * s.array() * (1 - s.array()));
  jac.col(p) = s;
  const Mat a = (jac.array().colwise() * w.array()).matrix().transpose() * jac;
  fit.s.inverse = a.ldlt().solve(Mat::Identity(p + 1, p + 1)).topLeftCorner(p, p);
}

void fit_logistic(const FitData& d, const Mat& x, std::size_t end, const std::vector<std::size_t>& members,
                  const std::vector<Candidate>& candidates, bool want_inverse, std::vector<LogisticFit>& best) {
  fit_logistic_prefix(d, x, end, members, candidates, false, best);
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (best[m].ok) refine_logistic(d, x, end, columns_of(candidates[members[m]]), want_inverse, best[m]);
  }
}

}  // namespace

static void evaluate_logistic(const FitData& d, const Mat& x, const std::vector<Fold>& folds,
                              const std::vector<std::size_t>& members, const std::vector<Candidate>& candidates,
                              std::vector<Evaluation>& out) {
  for (std::size_t i = 0; i < d.y.size(); ++i) {
    if (d.w[i] > 0 && d.y[i] <= 0) return;  // a logistic curve never reaches zero
  }
  std::vector<bool> failed(members.size(), false);
  std::vector<LogisticFit> best;
  for (const Fold& f : folds) {
    fit_logistic(d, x, f.train_end, members, candidates, false, best);
    for (std::size_t m = 0; m < members.size(); ++m) {
      if (!best[m].ok) {
        failed[m] = true;
        continue;
      }
      const auto cols = columns_of(candidates[members[m]]);
      out[members[m]].preds.push_back(fold_predictions(x, f, cols, best[m].s.beta, ModelKind::logistic, best[m].capacity));
    }
  }
  fit_logistic(d, x, d.y.size(), members, candidates, true, best);
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (!best[m].ok) continue;
    Evaluation& e = out[members[m]];
    const auto cols = columns_of(candidates[members[m]]);
    e.ok = !failed[m];
    e.model = make_model(d, candidates[members[m]], cols, best[m].s, best[m].capacity, best[m].n_eff);
    e.model.t_from = d.t.front();
    e.params = cols.size() + 2;
    in_sample(d, x, e, 0);
  }
}

// Least-squares slope of the weighted rows [begin, end), metric units per second.
static double slope_of(const FitData& d, std::size_t begin, std::size_t end) {
  double n = 0, st = 0, sy = 0, stt = 0, sty = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (d.w[i] <= 0) continue;
    const double t = d.t[i] - d.t[begin];
    n += 1;
    st += t;
    sy += d.y[i];
    stt += t * t;
    sty += t * d.y[i];
  }
  const double den = n * stt - st * st;
  return n >= 2 && den > 0 ? (n * sty - st * sy) / den : 0;
}

std::vector<Evaluation> evaluate(const FitData& data, const std::vector<Candidate>& candidates,
                                 const std::vector<Fold>& folds, std::size_t final_start) {
  const Mat x = build_design(data);
  std::vector<Evaluation> out(candidates.size());
  std::vector<std::size_t> direct, logs, logistic;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out[i].candidate = candidates[i];
    switch (candidates[i].kind) {
      case ModelKind::linear:
      case ModelKind::quadratic:
        direct.push_back(i);
        break;
      case ModelKind::exponential:
        logs.push_back(i);
        break;
      case ModelKind::logistic:
        logistic.push_back(i);
        break;
      default:
        break;  // baselines and smoothing are fitted in baseline_models.cpp
    }
  }
  if (!direct.empty()) evaluate_direct(data, x, folds, final_start, false, direct, candidates, out);
  if (!logs.empty()) evaluate_direct(data, x, folds, final_start, true, logs, candidates, out);
  // A saturating curve is only worth trying where growth is slowing: the last quarter rises more slowly than
  // the quarter before it.
  const std::size_t q = data.t.size() / 4;
  const bool concave = q >= 4 && slope_of(data, data.t.size() - q, data.t.size()) < slope_of(data, data.t.size() - 2 * q, data.t.size() - q);
  if (!logistic.empty() && concave) evaluate_logistic(data, x, folds, logistic, candidates, out);
  return out;
}

}  // namespace perfval::capacity::engine

#!/usr/bin/env node
// A measurement, not a test: where the run-to-run noise of `perfval bench` comes from on this machine, from the
// runs that scripts/gate-noise.sh keeps (DIR/runs/run-*/bench.json). It answers what a better noise model or a
// different --quick could win: how noisy one repetition is and how heavy its tails are, whether neighbouring
// repetitions move together (slow machine drift) or not, how much a process adds, and how far apart two runs
// are for several location estimators once every benchmark's common shift is taken out.
//
//   node scripts/noise-anatomy.mjs DIR [--field judged|cpu_time|real_time] [--rows M] [--change PCT] [--pool K]
//
// --field: the time each benchmark is judged by (default: CPU time, wall-clock time for .../real_time and
// .../manual_time benchmarks, as perfval regress does), or only the benchmarks judged by the one named; --rows: the comparison's multiplicity (Bonferroni, default 84: a full quick run's judged rows); --change: the
// slowdown whose detection is asked for (default 25); --pool: also judge "two runs apart" with K consecutive runs
// taken as one (what K times the samples per run would give). docs/regression.md records the results.
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const dir = args.find((a, i) => !a.startsWith("--") && (i === 0 || !args[i - 1].startsWith("--")));
if (!dir) {
  console.error("usage: node scripts/noise-anatomy.mjs DIR [--field judged|cpu_time|real_time] [--rows M] [--change PCT] [--pool K]");
  process.exit(2);
}
const field = opt("--field", "judged");
if (!["judged", "cpu_time", "real_time"].includes(field)) {
  console.error(`noise-anatomy: --field must be judged, cpu_time or real_time, not "${field}"`);
  process.exit(2);
}
// The time perfval regress judges a benchmark by, and whether --field asks for it.
const judgedBy = (name) => (/\/(real|manual)_time/.test(name) ? "real_time" : "cpu_time");
const wanted = (name) => field === "judged" || judgedBy(name) === field;
const fieldWords = field === "judged" ? "each by the time it is judged by" : field;
const rows = Number(opt("--rows", "84"));
const change = Number(opt("--change", "25"));
const pool = Number(opt("--pool", "1"));
const runsDir = path.join(dir, "runs");
const files = fs.existsSync(runsDir)
  ? fs.readdirSync(runsDir).filter((d) => d.startsWith("run-")).sort().map((d) => path.join(runsDir, d, "bench.json"))
      .filter((f) => fs.existsSync(f))
  : [];
if (files.length < 3) {
  console.error(`noise-anatomy: ${runsDir} has ${files.length} runs with a bench.json; at least 3 are needed`);
  process.exit(2);
}

const sum = (xs) => xs.reduce((s, x) => s + x, 0);
const mean = (xs) => sum(xs) / xs.length;
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, p) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
};
const median = (xs) => {
  const s = sorted(xs), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const sd = (xs) => {
  const m = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
};
const robustSd = (xs) => {
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
};
const trimmed = (xs, g) => {
  const s = sorted(xs), k = Math.floor(g * s.length);
  return mean(s.slice(k, s.length - k));
};
const huber = (xs) => {
  let m = median(xs);
  const s = robustSd(xs) || 1e-12, c = 1.345 * s;
  for (let it = 0; it < 50; ++it) {
    const w = xs.map((x) => (Math.abs(x - m) <= c ? 1 : c / Math.abs(x - m)));
    m = sum(xs.map((x, i) => w[i] * x)) / sum(w);
  }
  return m;
};
const corr = (pairs) => {
  const xs = pairs.map((p) => p[0]), ys = pairs.map((p) => p[1]), mx = mean(xs), my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my), sxx += (xs[i] - mx) ** 2, syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};
// The normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
const normalQuantile = (p) => {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
};
const pct = (x, digits = 1) => (100 * x).toFixed(digits) + " %";

// samples[name][run][process] = log values in execution order; order[run][process] = [name, log value] in order.
const samples = new Map();
const order = [];
files.forEach((file, run) => {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`noise-anatomy: ${file}: ${e.message}`);
    process.exit(2);
  }
  order[run] = new Map();
  for (const b of doc.benchmarks ?? []) {
    const f = judgedBy(b.name ?? "");
    if (b.run_type !== "iteration" || !(b[f] > 0) || !wanted(b.name)) continue;
    const p = b.perfval_process ?? 0, v = Math.log(b[f]);
    if (!samples.has(b.name)) samples.set(b.name, []);
    const byRun = samples.get(b.name);
    byRun[run] ??= new Map();
    if (!byRun[run].has(p)) byRun[run].set(p, []);
    byRun[run].get(p).push(v);
    if (!order[run].has(p)) order[run].set(p, []);
    order[run].get(p).push([b.name, v]);
  }
});
const names = [...samples.keys()].filter(
  (n) => !n.startsWith("control/") && files.every((_, r) => samples.get(n)[r] && samples.get(n)[r].size > 0));
if (names.length === 0) {
  console.error(`noise-anatomy: no benchmark has a value (${fieldWords}) in every run of ${runsDir}`);
  process.exit(2);
}

// 1. One repetition: its residual around its process's median.
const residuals = [], perName = [];
for (const n of names) {
  const own = [];
  samples.get(n).forEach((byProcess) =>
    byProcess.forEach((xs) => {
      if (xs.length < 3) return;
      const m = median(xs);
      for (const x of xs) own.push(x - m);
    }));
  residuals.push(...own);
  if (own.length > 2) perName.push({ sd: sd(own), robust: robustSd(own) });
}
// 2. Neighbours in execution order (any benchmarks): does the machine drift between repetitions?
const lag = { 1: [], 5: [] };
order.forEach((byProcess, run) =>
  byProcess.forEach((seq) => {
    const med = new Map();
    for (const n of names) {
      const xs = samples.get(n)[run] && [...samples.get(n)[run].values()].flat();
      if (xs) med.set(n, median(xs));
    }
    const r = seq.filter(([n]) => med.has(n)).map(([n, v]) => Math.max(-0.5, Math.min(0.5, v - med.get(n))));
    for (const L of [1, 5]) for (let i = 0; i + L < r.length; ++i) lag[L].push([r[i], r[i + L]]);
  }));
// 3. Processes: the spread of a process's mean beyond what its repetitions explain.
const processSd = [];
for (const n of names) {
  const within = [], between = [];
  samples.get(n).forEach((byProcess) => {
    const means = [];
    byProcess.forEach((xs) => {
      if (xs.length > 1) within.push(sd(xs) ** 2 / xs.length), means.push(mean(xs));
    });
    if (means.length > 1) between.push(sd(means) ** 2);
  });
  if (between.length) processSd.push(Math.sqrt(Math.max(0, mean(between) - mean(within))));
}
// 4. Two runs apart: consecutive runs' location difference, every benchmark's common shift taken out.
const critical = normalQuantile(1 - 0.01 / rows / 2) + normalQuantile(0.95);
// Interference on a shared machine only ever slows a repetition down, so the low end of a run's repetitions may
// hold its speed better than the centre: a quantile (linear interpolation, as R's type 7), the lower half's mean.
const lowerHalf = (xs) => mean(sorted(xs).slice(0, Math.max(1, Math.floor(xs.length / 2))));
const interpolated = (xs, p) => {
  const s = sorted(xs), h = p * (s.length - 1), lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
};
const estimators = {
  "mean of logs": mean, median, "20 % trimmed mean": (xs) => trimmed(xs, 0.2), "Huber M": huber,
  "25th percentile": (xs) => interpolated(xs, 0.25), "lower half's mean": lowerHalf,
  "minimum": (xs) => sorted(xs)[0] };
// The common shift per time field, over the benchmarks judged by it, as perfval regress takes it: for each
// benchmark, the median of `change` over the benchmarks judged by its time (computed once per time field).
const commonShifts = (change) => {
  const byTime = new Map();
  for (const n of names) {
    if (!byTime.has(judgedBy(n))) byTime.set(judgedBy(n), []);
    byTime.get(judgedBy(n)).push(change(n));
  }
  const shift = new Map([...byTime].map(([time, xs]) => [time, median(xs)]));
  return (n) => shift.get(judgedBy(n));
};
// Groups of runs taken as one run: [[0], [1], ...] without --pool, [[0, 1], [2, 3], ...] with --pool 2.
const groupsOf = (k) => {
  const out = [];
  for (let r = 0; r + k <= files.length; r += k) out.push([...Array(k).keys()].map((i) => r + i));
  return out;
};
const apartOver = (groups) => {
  const result = {};
  for (const [label, locate] of Object.entries(estimators)) {
    const all = (n, g) => g.flatMap((r) => [...samples.get(n)[r].values()].flat());
    const loc = new Map(names.map((n) => [n, groups.map((g) => locate(all(n, g)))]));
    const common = groups.map((_, j) => (j === 0 ? null : commonShifts((m) => loc.get(m)[j] - loc.get(m)[j - 1])));
    result[label] = names.map((n) => {
      const d = [];
      for (let j = 1; j < groups.length; ++j) d.push(loc.get(n)[j] - loc.get(n)[j - 1] - common[j](n));
      return Math.sqrt(mean(d.map((x) => x * x)));
    });
  }
  return result;
};
const apart = apartOver(groupsOf(1));
const pooled = pool > 1 && groupsOf(pool).length >= 2 ? apartOver(groupsOf(pool)) : null;

// 5. As a test: each consecutive pair judged as the gate would (each time field's common shift out, a 3 % drift
// floor per run, beyond a 10 % threshold) but with a normal's critical value, an upper bound for Student's t;
// planted: a copy of the later run with 5 benchmarks (seeded by the pair) 25 % slower. A location with a spread
// that underestimates its noise shows up as same-build failures.
const z = normalQuantile(1 - 0.01 / rows / 2), drift = Math.log(1.03), planted = Math.log1p(change / 100);
const seeded = (seed) => () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 1) / 2147483648;
};
const judges = {
  "mean of logs, Welch (no design effect)": (a, b) => [mean(b) - mean(a), Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length)],
  "median, 1.253 MAD": (a, b) =>
    [median(b) - median(a), 1.253 * Math.sqrt(robustSd(a) ** 2 / a.length + robustSd(b) ** 2 / b.length)],
};
const asTest = {};
for (const [label, judge] of Object.entries(judges)) {
  let failed = 0, found = 0, tried = 0;
  for (let r = 1; r < files.length; ++r) {
    const all = (n, run) => [...samples.get(n)[run].values()].flat();
    const calls = new Map(names.map((n) => [n, judge(all(n, r - 1), all(n, r))]));
    const shift = commonShifts((m) => calls.get(m)[0]);
    const flags = (n, d, se) => {
      const c = d - shift(n);
      return Math.abs(c) > Math.log(1.1) && Math.abs(c) / Math.hypot(se, Math.SQRT2 * drift) > z;
    };
    if ([...calls].some(([n, [d, se]]) => flags(n, d, se))) ++failed;
    const pick = seeded(r), pool = [...names];
    for (let k = 0; k < 5 && pool.length; ++k) {
      const n = pool.splice(Math.floor(pick() * pool.length), 1)[0];
      const [d, se] = judge(all(n, r - 1), all(n, r).map((x) => x + planted));
      ++tried, found += d - shift(n) > 0 && flags(n, d, se) ? 1 : 0;
    }
  }
  asTest[label] = `same build failed ${failed} of ${files.length - 1}, ${change} % found ${found} of ${tried}`;
}

const reps = [...samples.get(names[0])[0].values()].map((xs) => xs.length);
console.log(`${files.length} runs in ${runsDir}, ${names.length} benchmarks, ${fieldWords}; ` +
  `${reps.length} process(es) of ${reps.join("/")} repetitions in run 1`);
console.log(`one repetition, around its process's median: SD median ${pct(median(perName.map((x) => x.sd)))}, ` +
  `robust SD (1.4826 MAD) median ${pct(median(perName.map((x) => x.robust)))}; pooled residual quantiles ` +
  [0.01, 0.05, 0.25, 0.75, 0.95, 0.99].map((p) => `${p * 100}%: ${(100 * quantile(residuals, p)).toFixed(1)}`).join(", ") +
  " (%)");
console.log(`neighbours in execution order: correlation of residuals at lag 1 ${corr(lag[1]).toFixed(3)}, ` +
  `lag 5 ${corr(lag[5]).toFixed(3)} (near 0: repetitions are independent; the machine does not drift between them)`);
console.log(`a process's own offset beyond its repetitions: SD median ${pct(median(processSd))}, ` +
  `90th percentile ${pct(quantile(processSd, 0.9))}`);
console.log(`two runs apart (consecutive runs, common shift taken out); a ${change} % slowdown is found 95 % of the ` +
  `time at 0.01 over ${rows} rows (normal) by a row whose noise is below ${pct(Math.log1p(change / 100) / critical)}:`);
const printApart = (table) => {
  for (const [label, d] of Object.entries(table)) {
    const ok = d.filter((x) => Math.log1p(change / 100) / x >= critical).length;
    console.log(`  ${label.padEnd(18)} SD median ${pct(median(d))}, 25th-90th percentile ${pct(quantile(d, 0.25))}-` +
      `${pct(quantile(d, 0.9))}; rows that could: ${ok} of ${d.length}`);
  }
};
printApart(apart);
if (pooled) {
  console.log(`the same with ${pool} consecutive runs taken as one (${pool} x the samples a side; ` +
    `${groupsOf(pool).length - 1} pairs, so each SD is a rough one):`);
  printApart(pooled);
}
console.log(`as a test (consecutive runs, normal critical value ${z.toFixed(2)}: an upper bound on what Student's t finds):`);
for (const [label, text] of Object.entries(asTest)) console.log(`  ${label.padEnd(20)} ${text}`);

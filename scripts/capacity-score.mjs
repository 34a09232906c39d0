// Scores `perfval capacity analyze` forecasts on held-out data: every column of every CSV in a directory is a
// series; the first 70 % of its points are the history, the rest is forecast in one go (the horizon is the
// whole remaining span) and compared point by point with naive (last value), seasonal naive (the last day
// repeated), predict_linear (least squares over the whole history, and over its last day) and Holt's double
// exponential smoothing.
// Usage: node scripts/capacity-score.mjs PERFVAL DIR [--split 0.7] [--json OUT]   (see docs/capacity.md)
//        node scripts/capacity-score.mjs --synthetic DIR   writes the synthetic families (known truth) to DIR
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

// Synthetic families: 14 days at 5-minute spacing, 3 seeds each, percent-valued (column "cpu").
function writeSynthetic(out) {
  mkdirSync(out, { recursive: true });
  const families = {
    linear: (d, n) => 20 + 1.5 * d + 1.5 * n,
    exponential: (d, n) => 10 * Math.exp(0.08 * d) * (1 + 0.03 * n),
    seasonal: (d, n) => 40 + 15 * Math.sin(2 * Math.PI * d) + 0.3 * d + 2 * n,
    level_shift: (d, n) => 30 + (d >= 9 ? 15 : 0) + 2 * n,
    random_walk: null,
    saturating: (d, n) => 80 / (1 + Math.exp(-(d - 5) / 1.5)) + n,
    flat_noise: (d, n) => 25 + 3 * n,
  };
  for (const [name, f] of Object.entries(families)) {
    for (let seed = 1; seed <= 3; seed++) {
      let state = seed * 7919 + name.length;
      const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
      const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      const rows = ["timestamp,cpu"];
      let walk = 50;
      for (let i = 0; i < 14 * 288; i++) {
        const d = i / 288;
        walk = Math.min(100, Math.max(0, walk + 0.5 * normal()));
        const v = f ? f(d, normal()) : walk;
        rows.push(`${1700000000 + 300 * i},${Math.min(100, Math.max(0, v)).toFixed(4)}`);
      }
      writeFileSync(join(out, `${name}_${seed}.csv`), rows.join("\n") + "\n");
    }
  }
}

if (process.argv[2] === "--synthetic") {
  writeSynthetic(process.argv[3]);
  process.exit(0);
}
const [perfval, dir, ...rest] = process.argv.slice(2);
if (!perfval || !dir) {
  console.error("usage: node scripts/capacity-score.mjs PERFVAL DIR [--split 0.7] [--json OUT]");
  process.exit(2);
}
const opt = (name, dflt) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : dflt);
const split = Number(opt("--split", "0.7"));
const percentColumns = new Set(["cpu", "memory", "storage", "value_pct"]);

function readCsv(path) {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
  const header = lines[0].split(",");
  const cols = header.slice(1).map((name) => ({ name, t: [], v: [] }));
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const t = Number(f[0]);
    cols.forEach((c, i) => {
      const x = f[i + 1];
      if (x !== undefined && x.trim() !== "" && Number.isFinite(Number(x))) {
        c.t.push(t);
        c.v.push(Number(x));
      }
    });
  }
  return cols;
}

const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;

// Prometheus predict_linear: ordinary least squares over the range (the last `range` seconds), extrapolated.
function predictLinear(t, v, range = Infinity) {
  const from = t[t.length - 1] - range, i0 = t.findIndex((x) => x >= from);
  t = t.slice(i0);
  v = v.slice(i0);
  const x0 = t[t.length - 1];
  const xs = t.map((x) => x - x0), mx = mean(xs), my = mean(v);
  let sxy = 0, sxx = 0;
  xs.forEach((x, i) => { sxy += (x - mx) * (v[i] - my); sxx += (x - mx) ** 2; });
  const b = sxx > 0 ? sxy / sxx : 0;
  return (at) => my + b * (at - x0 - mx);
}

// Prometheus double_exponential_smoothing (Holt's linear method), smoothing 0.3 and trend 0.1, extrapolated.
function holt(t, v, sf = 0.3, tf = 0.1) {
  let level = v[0], trend = v.length > 1 ? v[1] - v[0] : 0;
  for (let i = 1; i < v.length; i++) {
    const prev = level;
    level = sf * v[i] + (1 - sf) * (level + trend);
    trend = tf * (level - prev) + (1 - tf) * trend;
  }
  const step = (t[t.length - 1] - t[0]) / Math.max(1, t.length - 1), x0 = t[t.length - 1];
  return (at) => level + trend * ((at - x0) / step);
}

// The last day of history repeated (the value one, two, ... days earlier that is in the history).
function seasonalNaive(t, v) {
  const x0 = t[t.length - 1];
  return (at) => {
    const back = at - Math.ceil((at - x0) / 86400) * 86400;
    let lo = 0, hi = t.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (t[mid] <= back) lo = mid; else hi = mid - 1; }
    return v[lo];
  };
}

function analyse(name, col, work) {
  const n = col.t.length, cut = Math.floor(n * split);
  if (cut < 2 || n - cut < 1) return null;
  const t = col.t.slice(0, cut), v = col.v.slice(0, cut), tt = col.t.slice(cut), tv = col.v.slice(cut);
  const percent = percentColumns.has(col.name);
  const key = percent ? "cpu" : "requests";
  const horizonDays = (tt[tt.length - 1] - t[t.length - 1]) / 86400;
  writeFileSync(join(work, "train.csv"), "timestamp," + key + "\n" + t.map((x, i) => `${x},${v[i]}`).join("\n") + "\n");
  writeFileSync(join(work, "config.yaml"),
    `metrics:\n  ${key}:\n    horizon: ${(horizonDays * 24 * 60).toFixed(0)}m\n    capacity_threshold: ${percent ? 99.9 : 1e12}\n` +
    `    hard_limit: none\n`);
  try {
    execFileSync(perfval, ["capacity", "analyze", "--config", join(work, "config.yaml"), "--data", join(work, "train.csv"),
      "--format", "json", "--out", join(work, "out.json")], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    if (e.status !== 99) throw new Error(`${name}: perfval exited ${e.status}: ${e.stderr}`);
  }
  const m = JSON.parse(readFileSync(join(work, "out.json"), "utf8")).metrics[0];
  if (m.status !== "ok") throw new Error(`${name}: ${m.error}`);
  const path = m.projected.path;
  const at = (x) => {  // the path point nearest in time
    let lo = 0, hi = path.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (path[mid].t < x) lo = mid + 1; else hi = mid; }
    if (lo > 0 && Math.abs(path[lo - 1].t - x) < Math.abs(path[lo].t - x)) lo--;
    return path[lo];
  };
  // Seasonal naive needs a whole day of history; without one it is left out (n/a) rather than guessed.
  const daily = t[t.length - 1] - t[0] >= 86400;
  const base = { naive: () => v[v.length - 1], ...(daily ? { snaive: seasonalNaive(t, v) } : {}), predict_linear: predictLinear(t, v),
    predict_linear_1d: predictLinear(t, v, 86400), holt: holt(t, v) };
  const err = { perfval: 0 }, cover = { 80: 0, 95: 0 };
  for (const k of Object.keys(base)) err[k] = 0;
  let outside = 0;
  tt.forEach((x, i) => {
    const p = at(x);
    err.perfval += Math.abs(p.value - tv[i]);
    for (const k of Object.keys(base)) err[k] += Math.abs(base[k](x) - tv[i]);
    for (const iv of p.intervals) {
      if (iv.lower <= tv[i] && tv[i] <= iv.upper) cover[iv.level_pct] = (cover[iv.level_pct] ?? 0) + 1;
      if (percent && (iv.lower < 0 || iv.upper > 100)) outside++;
    }
    if (percent && (p.value < 0 || p.value > 100)) outside++;
  });
  for (const k of Object.keys(err)) err[k] /= tt.length;
  return { name, points: n, held: tt.length, horizon_days: horizonDays, model: m.model.name, err, outside,
           cover80: cover[80] / tt.length, cover95: cover[95] / tt.length };
}

const work = mkdtempSync(join(tmpdir(), "capacity-score-"));
const results = [];
try {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".csv")).sort()) {
    for (const col of readCsv(join(dir, file))) {
      const r = analyse(`${basename(file, ".csv")}:${col.name}`, col, work);
      if (r) results.push(r);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const ratio = (r, k) => (!(k in r.err) ? NaN : r.err[k] > 0 ? r.err.perfval / r.err[k] : r.err.perfval > 0 ? Infinity : 1);
const scored = (k) => results.filter((r) => k in r.err);
const geo = (k) => Math.exp(mean(scored(k).map((r) => Math.log(Math.max(ratio(r, k), 1e-9)))));
const fixed = (x) => (Number.isNaN(x) ? "n/a" : x.toFixed(2));
const pct = (x) => (100 * x).toFixed(1);
console.log("| series | points | horizon d | model | MAE | vs naive | vs seasonal naive | vs predict_linear | vs predict_linear 1d | vs holt | 80 % covers | 95 % covers |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.name} | ${r.points} | ${r.horizon_days.toFixed(2)} | ${r.model} | ${r.err.perfval.toPrecision(3)} | ` +
    `${fixed(ratio(r, "naive"))} | ${fixed(ratio(r, "snaive"))} | ${fixed(ratio(r, "predict_linear"))} | ` +
    `${fixed(ratio(r, "predict_linear_1d"))} | ${fixed(ratio(r, "holt"))} | ${pct(r.cover80)} % | ${pct(r.cover95)} % |`);
}
const wins = (k) => results.filter((r) => ratio(r, k) < 1).length;
console.log(`\n${results.length} series. Geometric mean of perfval's MAE ratio: ${geo("naive").toFixed(3)}x naive ` +
  `(better on ${wins("naive")}), ${geo("snaive").toFixed(3)}x seasonal naive (better on ${wins("snaive")} of ` +
  `${scored("snaive").length} with a day of history), ` +
  `${geo("predict_linear").toFixed(3)}x predict_linear (better on ${wins("predict_linear")}), ` +
  `${geo("predict_linear_1d").toFixed(3)}x predict_linear over the last day (better on ${wins("predict_linear_1d")}), ` +
  `${geo("holt").toFixed(3)}x holt (better on ${wins("holt")}).`);
const points = results.reduce((s, r) => s + r.held, 0);
const pooled = (k) => pct(results.reduce((s, r) => s + r[k] * r.held, 0) / points);
console.log(`Interval coverage, mean over series: 80 %: ${pct(mean(results.map((r) => r.cover80)))} %, ` +
  `95 %: ${pct(mean(results.map((r) => r.cover95)))} % (pooled over all ${points} held-out points: ` +
  `${pooled("cover80")} %, ${pooled("cover95")} %). Percent forecasts or bounds outside [0, 100]: ` +
  `${results.reduce((s, r) => s + r.outside, 0)}.`);
const out = opt("--json", "");
if (out) writeFileSync(out, JSON.stringify(results, null, 2) + "\n");

// Scores `perfval changepoints` on annotated series with the F1 measure of the Turing Change Point Detection
// benchmark (van den Burg & Williams 2020): margin 5, the series start counted as a change point for every
// method and every annotator, precision against the union of annotations, recall averaged over annotators.
// Usage: node scripts/changepoint-eval.mjs PERFVAL DIR[:alternate]...   (see scripts/changepoint-eval.sh)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MARGIN = 5;

// Annotations matched to predictions within the margin, each prediction used at most once.
function truePositives(annotations, predictions) {
  const left = new Set(predictions);
  let hits = 0;
  for (const tau of [...annotations].sort((a, b) => a - b)) {
    let best = null;
    for (const x of left) {
      const d = Math.abs(tau - x);
      if (d <= MARGIN && (best === null || d < best.d || (d === best.d && x < best.x))) best = { d, x };
    }
    if (best) { hits++; left.delete(best.x); }
  }
  return hits;
}

export function f1(annotators, predictions) {
  const X = new Set([0, ...predictions]);
  const sets = Object.values(annotators).map((a) => new Set([0, ...a]));
  const union = new Set(sets.flatMap((s) => [...s]));
  const precision = truePositives(union, X) / X.size;
  const recall = sets.reduce((sum, s) => sum + truePositives(s, X) / s.size, 0) / sets.length;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

// Binary segmentation of the mean with a BIC penalty, noise level from the median absolute difference of
// neighbours: the textbook baseline (what R's changepoint::cpt.mean(method = "BinSeg") does in spirit).
export function binseg(values) {
  const n = values.length;
  if (n < 4) return [];
  const diffs = values.slice(1).map((v, i) => Math.abs(v - values[i])).sort((a, b) => a - b);
  const sigma = (diffs[Math.floor(diffs.length / 2)] / 0.6745) / Math.SQRT2 || 1e-12;
  const penalty = 2 * Math.log(n) * sigma * sigma;
  const found = [];
  const split = (lo, hi) => {
    if (hi - lo < 4) return;
    let total = 0;
    for (let i = lo; i < hi; i++) total += values[i];
    let left = 0, best = null;
    for (let t = lo + 1; t < hi - 1; t++) {
      left += values[t - 1];
      const a = t - lo, b = hi - t;
      const gain = (a * b / (a + b)) * (left / a - (total - left) / b) ** 2;
      if (best === null || gain > best.gain) best = { t, gain };
    }
    if (best && best.gain > penalty) { found.push(best.t); split(lo, best.t); split(best.t, hi); }
  };
  split(0, n);
  return found.sort((a, b) => a - b);
}

function readSeries(dir, name) {
  const csv = path.join(dir, `${name}.csv`);
  if (fs.existsSync(csv)) {
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    const column = lines[0].split(',').indexOf('value');
    return lines.slice(1).map((l) => Number(l.split(',')[column < 0 ? 0 : column]));
  }
  const tcpd = path.join(dir, 'datasets', name, `${name}.json`);  // a checkout of the TCPD repository
  if (!fs.existsSync(tcpd)) return null;
  const raw = JSON.parse(fs.readFileSync(tcpd, 'utf8')).series[0].raw;
  let last = raw.find((v) => v !== null);
  return raw.map((v) => (v === null ? last : (last = v)));  // gaps forward-filled, indices kept
}

// perfval reads the data-file format of `perfval capacity analyze`, which holds no negative values
// (performance metrics have none). A series that goes below zero (TCPD's quality_control_1..3 are centred on
// zero) is offset so that its minimum equals its range: a step across the whole range is then at most +100 %.
function nonNegative(values) {
  const lo = Math.min(...values), hi = Math.max(...values);
  return lo >= 0 ? values : values.map((v) => v - lo + (hi - lo));
}

function detect(perfval, values, work) {
  const file = path.join(work, 'series.csv');
  fs.writeFileSync(file, 'timestamp,value\n' + nonNegative(values).map((v, i) => `${i},${v}`).join('\n') + '\n');
  const flags = (process.env.PERFVAL_CP_FLAGS || '').split(' ').filter(Boolean);  // e.g. "--min-change 10"
  const out = JSON.parse(execFileSync(perfval, ['changepoints', '--data', file, '--format', 'json', ...flags]).toString());
  return out.series[0].change_points.map((c) => c.index);
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

function main() {
  const [perfval, ...specs] = process.argv.slice(2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'perfval-cp-eval-'));
  const rows = [];
  try {
    for (const spec of specs) {
      const [dir, mode] = spec.split(':');
      const annotations = JSON.parse(fs.readFileSync(path.join(dir, 'annotations.json'), 'utf8'));
      const names = Object.keys(annotations).filter((n) => readSeries(dir, n)).sort();
      names.forEach((name, i) => {
        const values = readSeries(dir, name);
        const set = mode === 'alternate' && i % 2 === 0 ? 'tune' : 'test';
        const found = detect(perfval, values, work);
        rows.push({ dir: path.basename(dir), name, n: values.length, set, found,
                    perfval: f1(annotations[name], found), zero: f1(annotations[name], []),
                    binseg: f1(annotations[name], binseg(values)) });
      });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log('| data | series | points | set | perfval | no change | binseg | perfval found |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.dir} | ${r.name} | ${r.n} | ${r.set} | ${r.perfval.toFixed(3)} | ${r.zero.toFixed(3)} | ` +
                `${r.binseg.toFixed(3)} | ${r.found.join(' ') || '-'} |`);
  console.log('');
  for (const group of [...new Set(rows.map((r) => `${r.dir} ${r.set}`))].concat(['all test', 'all']) ) {
    const [dir, set] = group.split(' ');
    const sel = rows.filter((r) => (dir === 'all' || r.dir === dir) && (set === undefined || r.set === set));
    if (!sel.length) continue;
    console.log(`mean F1 ${group.padEnd(16)} (${String(sel.length).padStart(2)} series): perfval ` +
                `${mean(sel.map((r) => r.perfval)).toFixed(3)}, no change ${mean(sel.map((r) => r.zero)).toFixed(3)}, ` +
                `binseg ${mean(sel.map((r) => r.binseg)).toFixed(3)}; perfval below no change on ` +
                `${sel.filter((r) => r.perfval < r.zero - 1e-9).length}`);
  }
}

main();

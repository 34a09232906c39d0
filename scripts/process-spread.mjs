// How much a process adds to a benchmark's noise, per variant: reads DIR/VARIANT-ROUND.json (perfval bench --out
// files of one process each, as scripts/process-layout-noise.sh writes them) and prints, per variant (medians over
// the non-control benchmarks; SDs of log times, shown as %): the SD across processes of a benchmark's mean over
// its k repetitions; what the repetitions alone would give that mean (their SD / sqrt(k)); the process's own
// part (the square root of the difference of the squares); the same SD with each process's speed (the median
// offset of the other non-control benchmarks) taken out; then, within each variant and pooled, how well the
// control/ benchmarks follow a process's speed.
//   node scripts/process-spread.mjs DIR [cpu_time|real_time]        (default cpu_time)
import fs from "node:fs";

const [dir, field = "cpu_time"] = process.argv.slice(2);
if (!dir || !["cpu_time", "real_time"].includes(field)) {
  console.error("usage: node scripts/process-spread.mjs DIR [cpu_time|real_time]");
  process.exit(2);
}
if (!fs.existsSync(dir)) {
  console.error(`process-spread: no directory ${dir}`);
  process.exit(2);
}
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a) => { const m = mean(a); return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1)); };
const median = (a) => { const s = [...a].sort((x, y) => x - y), n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const corr = (x, y) => {
  const mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0, syy = 0;
  x.forEach((xi, i) => { sxy += (xi - mx) * (y[i] - my); sxx += (xi - mx) ** 2; syy += (y[i] - my) ** 2; });
  return sxy / Math.sqrt(sxx * syy);
};
const pct = (x) => `${(100 * x).toFixed(1)} %`;

// Each file: benchmark name -> the log times of its repetitions.
const byVariant = new Map();
const skipped = [];
for (const f of fs.readdirSync(dir).filter((f) => /-\d+\.json$/.test(f)).sort()) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
  } catch (e) {
    skipped.push(`${f} (${e.message})`);
    continue;
  }
  const per = {};
  for (const b of doc.benchmarks ?? []) {
    if ((b.run_type ?? "iteration") !== "iteration" || b.error_occurred || !(b[field] > 0)) continue;
    (per[b.run_name] ??= []).push(Math.log(b[field]));
  }
  if (!Object.keys(per).length) { skipped.push(`${f} (no benchmark with ${field})`); continue; }
  const v = f.replace(/-\d+\.json$/, "");
  if (!byVariant.has(v)) byVariant.set(v, []);
  byVariant.get(v).push(per);
}
if (skipped.length) console.log(`skipped: ${skipped.join(", ")}`);

// Within one variant: each process's offset of each benchmark's mean from the benchmark's mean over the processes.
function offsets(runs) {
  const names = Object.keys(runs[0]).filter((n) => runs.every((r) => r[n]));
  const grand = Object.fromEntries(names.map((n) => [n, mean(runs.map((r) => mean(r[n])))]));
  const off = runs.map((r) => Object.fromEntries(names.map((n) => [n, mean(r[n]) - grand[n]])));
  const work = names.filter((n) => !n.startsWith("control/"));
  const controls = names.filter((n) => n.startsWith("control/"));
  const others = (o, n) => median(work.filter((m) => m !== n).map((m) => o[m]));  // the process's speed, without n
  return { work, controls, off, others };
}

console.log(`${field}, one row per variant (medians over the non-control benchmarks):`);
const judged = [];
for (const [v, runs] of byVariant) {
  if (runs.length < 3) { console.log(`  ${v}: ${runs.length} processes, too few (3 or more)`); continue; }
  const o = offsets(runs);
  if (o.work.length < 2) { console.log(`  ${v}: fewer than 2 benchmarks in every file`); continue; }
  judged.push(o);
  const between = o.work.map((n) => sd(o.off.map((x) => x[n])));
  const reps = o.work.map((n) => { const w = runs.filter((r) => r[n].length > 1); return w.length ? median(w.map((r) => sd(r[n]) / Math.sqrt(r[n].length))) : NaN; });
  const own = o.work.map((n, i) => Math.sqrt(Math.max(0, between[i] ** 2 - reps[i] ** 2)));
  const speedOut = o.work.map((n) => sd(o.off.map((x) => x[n] - o.others(x, n))));
  console.log(`  ${v.padEnd(12)} ${runs.length} processes, ${o.work.length} benchmarks: a benchmark's mean between processes ` +
    `${pct(median(between))}; from its repetitions alone ${pct(median(reps))}; the process's own part ${pct(median(own))}; ` +
    `with the process's speed taken out ${pct(median(speedOut))}`);
}

// The controls against a process's speed, offsets taken within each variant (a variant's own effect on the
// controls, e.g. huge pages for control/memory, is not a process's speed), then pooled.
const pooled = judged.filter((o) => o.controls.length).flatMap((o) => o.off.map((x) => ({ o, x })));
if (pooled.length > 2) {
  const speed = pooled.map(({ o, x }) => median(o.work.map((n) => x[n])));
  const ctl = pooled.map(({ o, x }) => mean(o.controls.map((n) => x[n])));
  const work = judged[0].work.filter((n) => judged.every((o) => o.work.includes(n)));
  const col = (f) => median(work.map((n) => sd(pooled.map((p, i) => f(p, n, i)))));
  const controls = judged[0].controls.filter((c) => judged.every((o) => o.controls.includes(c)));
  console.log(`all ${pooled.length} processes (offsets within each variant): the controls' mean offset correlates ` +
    `${corr(ctl, speed).toFixed(2)} with a process's speed (${controls.map((c) => `${c} ${corr(pooled.map(({ x }) => x[c]), speed).toFixed(2)}`).join(", ")}); ` +
    `SD of the controls' mean ${pct(sd(ctl))}, of the speed ${pct(sd(speed))}`);
  console.log(`  a benchmark's mean between processes: ${pct(col(({ x }, n) => x[n]))} as measured, ` +
    `${pct(col(({ x }, n, i) => x[n] - ctl[i]))} divided by the controls, ` +
    `${pct(col(({ o, x }, n) => x[n] - o.others(x, n)))} divided by the other benchmarks' median`);
}

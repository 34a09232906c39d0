// Each kind of HTML report opened in Debian's headless Chromium: no console error, no request leaving the
// file, at least 3 charts drawn, the key figures present (p95, each threshold, each verdict, each forecast),
// a screenshot and the DOM written. Also shows that the request check can fail (a planted image is caught)
// and prints the size and load time of an hour-long run's report.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { inspect } from "../../scripts/report-snapshot.mjs";

const root = process.env.PERFVAL_SOURCE_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const perfval = process.env.PERFVAL_BIN || path.join(root, "build", "perfval");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "perfval-browser-"));
const shots = process.env.PERFVAL_BROWSER_OUT || path.join(work, "shots");
fs.mkdirSync(shots, { recursive: true });
after(() => fs.rmSync(work, { recursive: true, force: true }));

// perfval's exit code is the verdict; 0 and 99 both mean a report was written.
function perfvalRun(args) {
  try {
    return execFileSync(perfval, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  } catch (e) {
    if (e.status === 99) return e.stdout;
    throw new Error(`perfval ${args.join(" ")} exited ${e.status}: ${e.stderr}`);
  }
}
const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const write = (name, text) => { const f = path.join(work, name); fs.writeFileSync(f, text); return f; };
// A latency in ms as the console prints it.
const latency = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : ms < 1000 ? `${ms.toFixed(2)}ms` : `${(ms / 1000).toFixed(2)}s`);

// A number as the reports print it: 4 significant digits, trailing zeros dropped.
function formatNumber(v) {
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  return v.toFixed(magnitude >= 3 ? 0 : 3 - magnitude).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

// What must hold for any report a reader opens.
function assertClean(r, what) {
  const errors = [...r.console.filter((c) => c.type === "error" || c.type === "warning"), ...r.exceptions,
    ...r.log.filter((l) => l.level === "error" || l.level === "warning")];
  assert.deepEqual(errors, [], `${what}: the page logged errors`);
  assert.deepEqual(r.outside, [], `${what}: requests left the file`);
  assert.ok(r.csp.includes("default-src 'none'"), `${what}: no content security policy`);
  assert.ok(r.chartsDrawn >= 3, `${what}: ${r.chartsDrawn} charts drawn (${r.chartTitles.join(", ")})`);
}

const docs = {};
before(() => {
  // A real run: the embedded target freezes 500 ms every 3 s under an open-model load.
  const scenario = write("stall.yaml", `name: browser-stall
target:
  embedded: {nodes: 200, latency: "lognormal:3ms/10ms", stall: 500ms/3s, seed: 5}
requests:
  - {name: metrics, path: /metrics}
  - {name: health, path: /health, weight: 2}
executor: constant-arrival-rate
rate: 80
timeUnit: 1s
duration: 6s
preAllocatedVUs: 10
maxVUs: 60
thresholds:
  http_req_duration: ["p(95)<200ms", "p(99)<3s"]
  "http_req_duration{name:health}": ["max<3s"]
  http_req_failed: ["rate<0.01"]
`);
  perfvalRun(["run", scenario, "--quiet", "--out", path.join(work, "run")]);
  docs.run = readJson(path.join(work, "run", "summary.json"));

  // A short staircase of arrival rates: its report has the load steps, the capacity answer and their charts.
  const steps = write("steps.yaml", `name: browser-steps
target:
  embedded: {nodes: 200, latency: "lognormal:3ms/10ms", seed: 5}
requests: [{name: metrics, path: /metrics}]
executor: ramping-arrival-rate
startRate: 20
timeUnit: 1s
preAllocatedVUs: 10
maxVUs: 40
stages:
  - {duration: 3s, target: 20}
  - {duration: 1s, target: 60}
  - {duration: 3s, target: 60}
thresholds:
  http_req_duration: ["p(95)<2s"]
`);
  perfvalRun(["run", steps, "--quiet", "--out", path.join(work, "steps")]);
  docs.steps = readJson(path.join(work, "steps", "summary.json"));

  // A history of that run's summary, the last 3 runs with 4x its latency, judged by perfval regress (a 6 s run's
  // per-second p95s spread so much on a loaded machine that twice the latency can be inconclusive).
  for (let i = 0; i < 9; ++i) {
    const s = structuredClone(docs.run);
    if (i >= 6) {
      for (const k of ["med", "p(90)", "p(95)", "p(99)"]) s.metrics.http_req_duration[k] *= 4;
      for (const p of s.timeseries) { p.p95 *= 4; p.p99 *= 4; p.p50 *= 4; }
    }
    const dir = path.join(work, "history", `run-${String(i).padStart(2, "0")}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "summary.json"), JSON.stringify(s));
  }
  const base = docs.run.metrics.http_req_duration;
  const baselines = write("baselines.yaml", `p95: {metric: response_time_p95, baseline: ${base["p(95)"]}, tolerance: 20%, unit: ms, source: {summary: http_req_duration, field: "p(95)"}}
median: {metric: response_time_median, baseline: ${base.med}, tolerance: 20%, unit: ms, source: {summary: http_req_duration, field: med}}
`);
  perfvalRun(["regress", "--baseline", baselines, "--history", path.join(work, "history"), "--format", "json", "--report", path.join(work, "regress.json")]);
  perfvalRun(["regress", "--baseline", baselines, "--history", path.join(work, "history"), "--format", "html", "--report", path.join(work, "regress.html")]);
  docs.regress = readJson(path.join(work, "regress.json"));

  // 40 days of hourly data: cpu heading for its threshold, memory flat with a daily cycle.
  let csv = "timestamp,cpu,memory,requests\n";
  for (let h = 0; h < 24 * 40; ++h) {
    csv += `${1764547200 + h * 3600},${(30 + 0.05 * h + Math.sin(h / 3.8)).toFixed(3)},${(45 + 3 * Math.sin((2 * Math.PI * h) / 24)).toFixed(3)},${(200 + h * 0.2).toFixed(2)}\n`;
  }
  const data = write("capacity.csv", csv);
  const config = write("capacity.yaml", "metrics:\n  cpu: {horizon: 30d}\n  memory: {horizon: 30d}\n  requests: {horizon: 30d}\n");
  for (const format of ["json", "html"]) {
    perfvalRun(["capacity", "analyze", "--config", config, "--data", data, "--format", format, "--out", path.join(work, `capacity.${format}`)]);
  }
  docs.capacity = readJson(path.join(work, "capacity.json"));
});

test("the run report: verdict, p95, every threshold, charts, no request", { timeout: 120_000 }, async () => {
  const r = await inspect(path.join(work, "run", "report.html"), { png: path.join(shots, "run.png"), dom: path.join(work, "run.dom.html") });
  assertClean(r, "run report");
  assert.ok(r.text.includes(latency(docs.run.metrics.http_req_duration["p(95)"])), "the p95 figure");
  for (const t of docs.run.thresholds) {
    assert.ok(r.text.includes(t.expression), `threshold ${t.metric} ${t.expression}`);
  }
  assert.match(r.text, docs.run.status === "passed" ? /✓ PASSED/ : /✗ FAILED/);
  assert.ok(r.chartTitles.includes("Latency over time") && r.chartTitles.includes("Latency percentile spectrum, all requests"));
  assert.ok(fs.statSync(path.join(shots, "run.png")).size > 20_000, "a screenshot with content");
  assert.ok(fs.readFileSync(path.join(work, "run.dom.html"), "utf8").includes("<svg class=\"chart\""));
});

test("the run report of a staircase: the capacity answer, throughput and p95 per step", { timeout: 120_000 }, async () => {
  const r = await inspect(path.join(work, "steps", "report.html"), { png: path.join(shots, "steps.png") });
  assertClean(r, "steps report");
  assert.equal(docs.steps.steps.length, 2, JSON.stringify(docs.steps.steps));
  assert.equal(docs.steps.capacity_found.status, "not reached");
  assert.ok(r.text.includes("Capacity within the SLA: 60 iterations/s"), "the answer");
  assert.ok(r.chartTitles.includes("Throughput per step") && r.chartTitles.includes("p95 per step against the SLA"),
    r.chartTitles.join(", "));
});

test("the run report in the dark scheme", { timeout: 120_000 }, async () => {
  const r = await inspect(path.join(work, "run", "report.html"), { png: path.join(shots, "run-dark.png"), dark: true });
  assertClean(r, "run report, dark");
  const [red, green, blue] = r.background.match(/\d+/g).map(Number);
  assert.ok(red + green + blue < 150, `a dark background, got ${r.background}`);
});

test("the regress report: every verdict and a trend per metric", { timeout: 120_000 }, async () => {
  const r = await inspect(path.join(work, "regress.html"), { png: path.join(shots, "regress.png") });
  assertClean(r, "regress report");
  for (const m of docs.regress.metrics) {
    assert.ok(r.text.includes(m.name), `row ${m.name}`);
    assert.ok(r.text.includes(m.verdict.replaceAll("_", " ").replace("sla breach", "SLA breach")), `verdict of ${m.name}: ${m.verdict}`);
  }
  assert.ok(docs.regress.metrics.some((m) => m.verdict === "regressed"), "the quadrupled latency is a regression");
  assert.match(r.text, /✗ FAILED/);
});

test("the capacity report: every forecast with its bands and limits", { timeout: 120_000 }, async () => {
  const r = await inspect(path.join(work, "capacity.html"), { png: path.join(shots, "capacity.png") });
  assertClean(r, "capacity report");
  for (const m of docs.capacity.metrics) {
    const text = formatNumber(m.projected.value);
    assert.ok(r.text.includes(text), `forecast of ${m.name}: ${text}`);
  }
  assert.ok(r.text.includes("80 % interval") && r.text.includes("95 % interval"));
  assert.ok(r.text.includes("capacity threshold"));
});

test("the request check can fail: a planted image is caught, blocked or not", { timeout: 120_000 }, async () => {
  let hits = 0;
  const server = http.createServer((req, res) => { ++hits; res.end(); });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const leak = `<img src="http://127.0.0.1:${server.address().port}/leak.png">`;
  try {
    const original = fs.readFileSync(path.join(work, "run", "report.html"), "utf8");
    const planted = write("planted.html", original.replace("</body>", `${leak}</body>`));
    const blocked = await inspect(planted);
    const refused = [...blocked.console, ...blocked.log].filter((m) => /Content Security Policy/i.test(m.text));
    assert.ok(refused.length > 0 || blocked.outside.length > 0, "the policy's refusal is seen");
    assert.equal(hits, 0, "the policy kept the request in");
    const open = write("no-policy.html", original.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "").replace("</body>", `${leak}</body>`));
    const leaked = await inspect(open);
    assert.ok(leaked.outside.some((u) => u.includes("/leak.png")), "the request that left is listed");
    assert.ok(hits >= 1, "and the server saw it");
  } finally {
    server.close();
  }
});

test("an hour-long run: report size and load time (printed, not judged)", { timeout: 180_000 }, async () => {
  const s = structuredClone(docs.run);
  const one = s.timeseries.slice(0, -1);
  s.timeseries = Array.from({ length: 3600 }, (_, i) => ({ ...one[i % one.length], t: i + 1 }));
  s.duration_s = 3600;
  const file = write("hour.json", JSON.stringify(s));
  const html = path.join(work, "hour.html");
  perfvalRun(["report", file, "-o", html]);
  const r = await inspect(html, { png: path.join(shots, "hour.png") });
  assertClean(r, "hour-long report");
  const kb = fs.statSync(html).size / 1024;
  console.log(`hour-long run report: ${kb.toFixed(0)} KB, DOMContentLoaded ${r.timing.domContentLoadedMs.toFixed(0)} ms, ` +
              `load ${r.timing.loadMs.toFixed(0)} ms, first contentful paint ${r.timing.firstContentfulPaintMs?.toFixed(0)} ms`);
  assert.ok(kb < 1024, `${kb.toFixed(0)} KB`);
});

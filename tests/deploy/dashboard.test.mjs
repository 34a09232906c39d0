// dashboards/perfval.json: a Grafana dashboard whose queries use only metrics perfval exports, covering load tests,
// benchmarks, regression verdicts and capacity forecasts, with no overlapping panels.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { root } from "./lib.mjs";

const dash = JSON.parse(fs.readFileSync(path.join(root, "dashboards", "perfval.json"), "utf8"));
const PREFIXED = ["load_test_requests_total", "load_test_response_time_p95", "load_test_response_time_p99",
  "load_test_response_time_p50", "load_test_error_rate", "load_test_availability", "load_test_throughput_rps",
  "load_test_passed", "load_test_last_run_timestamp_seconds", "benchmark_memory_allocs_per_second", "benchmark_value",
  "regression_verdict", "regression_regressions", "capacity_days_to_threshold", "capacity_projected_value",
  "last_capacity_analysis_timestamp"];
const LIVE = ["perfval_http_reqs_total", "perfval_http_req_errors_total", "perfval_vus"];
const HISTOGRAMS = ["perfval_http_req_duration_seconds"];
const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and",
  "or", "unless", "le", "inf", "nan"]);

const variables = Object.fromEntries(dash.templating.list.map((v) => [v.name, v]));
const prefix = variables.metric_prefix?.current?.value;

function substitute(expr) {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => {
    const name = a || b;
    if (name === "metric_prefix") return prefix;
    if (name.startsWith("__")) return "5m";
    return "x";
  });
}

// Metric names of a PromQL expression: identifiers that are not functions, keywords, labels or strings.
export function metricNames(expr) {
  const e = substitute(expr)
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\[[^\]]*\]/g, "");
  const names = [];
  for (const m of e.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = e.slice(m.index + m[0].length).trimStart();
    if (after.startsWith("(") || PROMQL_WORDS.has(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

const allowed = new Set([...PREFIXED.map((n) => `${prefix}_${n}`), ...LIVE,
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`])]);
const panels = dash.panels.filter((p) => p.type !== "row");
const queries = [
  ...panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
  ...dash.templating.list.filter((v) => v.type === "query").map((v) => ({ where: `variable ${v.name}`, expr: v.query.query.replace(/^label_values\((.*),\s*\w+\)$/, "$1") })),
];

test("the metric-name extraction sees through functions, labels and ranges (the check can fail)", () => {
  assert.deepEqual(metricNames('sum by (le) (rate(foo_bucket{a="b"}[5m])) / bar'), ["foo_bucket", "bar"]);
  assert.deepEqual(metricNames("time() - max(${metric_prefix}_x)"), ["slurm_x"]);
});

test("the metric prefix variable defaults to perfval's default, slurm", () => {
  assert.equal(prefix, "slurm");
});

test("every query uses only metrics perfval exports", () => {
  for (const q of queries) {
    const names = metricNames(q.expr);
    assert.ok(names.length > 0, `${q.where}: no metric in ${q.expr}`);
    for (const n of names) assert.ok(allowed.has(n), `${q.where}: ${n} is not a metric perfval exports`);
  }
});

test("load tests, live runs, benchmarks, regression verdicts and capacity forecasts are all shown", () => {
  const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
  for (const group of [/_load_test_/, /^perfval_http_/, /_benchmark_/, /_regression_verdict$/, /_capacity_days_to_threshold$/]) {
    assert.ok([...used].some((n) => group.test(n)), `no panel for ${group}`);
  }
  const missing = PREFIXED.map((n) => `${prefix}_${n}`).filter((n) => !used.has(n));
  assert.deepEqual(missing, [], "metrics exported for the dashboard but shown nowhere");
});

test("every panel queries the Prometheus data source variable and panels do not overlap", () => {
  assert.equal(variables.datasource?.type, "datasource");
  const cells = new Set();
  for (const p of dash.panels) {
    if (p.type !== "row") assert.equal(p.datasource?.uid, "${datasource}", p.title);
    const { x, y, w, h } = p.gridPos;
    assert.ok(x + w <= 24, `${p.title} is wider than the dashboard`);
    for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
      assert.ok(!cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`);
      cells.add(`${i},${j}`);
    }
  }
  assert.equal(new Set(dash.panels.map((p) => p.id)).size, dash.panels.length, "panel ids are unique");
});

test("every metric the dashboard uses is documented in docs/metrics.md and mapped in docs/kubernetes.md", () => {
  const used = new Set(queries.flatMap((q) => metricNames(q.expr)).map((n) => n.replace(/_(bucket|sum|count)$/, "")));
  const metricsDoc = fs.readFileSync(path.join(root, "docs", "metrics.md"), "utf8");
  const k8sDoc = fs.readFileSync(path.join(root, "docs", "kubernetes.md"), "utf8");
  for (const n of used) {
    const bare = n.startsWith(`${prefix}_`) ? n.slice(prefix.length + 1) : n;
    assert.ok(metricsDoc.includes(bare), `docs/metrics.md does not document ${n}`);
    assert.ok(k8sDoc.includes(bare), `docs/kubernetes.md does not say which panel shows ${n}`);
  }
});

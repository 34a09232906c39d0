// ci/perf-gate.sh against `perfval serve` on 127.0.0.1: passes on a healthy target, fails on a degraded one, and
// the example GitHub Actions workflow calls it with options it accepts.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import YAML from "yaml";
import { perfvalBin, root, run, startServe, tmpDir } from "./lib.mjs";

const gate = path.join(root, "ci", "perf-gate.sh");
const lastLine = (text) => text.trimEnd().split("\n").pop();

async function gateAgainst(serveArgs) {
  const serve = await startServe(serveArgs);
  try {
    const out = tmpDir("gate");
    const r = await run(gate, ["--target", serve.url, "--duration", "6s", "--out", out, "--perfval", perfvalBin],
      { timeoutMs: 90_000 });
    return { ...r, out };
  } finally {
    await serve.stop();
  }
}

test("the gate passes on a healthy target", { timeout: 120_000 }, async () => {
  const r = await gateAgainst(["--nodes", "100"]);
  const detail = `${r.stdout}\n${r.stderr}`;
  assert.equal(lastLine(r.stdout), "✅ LOAD TEST PASSED", detail);
  assert.equal(r.code, 0, detail);
  assert.ok(fs.existsSync(path.join(r.out, "run", "summary.json")));
  assert.ok(fs.existsSync(path.join(r.out, "regress.md")), "the regression report is written");
  assert.ok(fs.existsSync(path.join(r.out, "run", "report.html")), "the run's HTML report is kept beside its summary");
  assert.ok(fs.existsSync(path.join(r.out, "regress.html")), "and the regression report as HTML");
});

test("the gate fails on a target answering half its requests with errors", { timeout: 120_000 }, async () => {
  const r = await gateAgainst(["--error-rate", "0.5"]);
  assert.equal(lastLine(r.stdout), "❌ LOAD TEST FAILED", `${r.stdout}\n${r.stderr}`);
  assert.equal(r.code, 99, `${r.stdout}\n${r.stderr}`);
});

test("the gate fails on a target that answers in 3 s", { timeout: 120_000 }, async () => {
  const r = await gateAgainst(["--latency", "3s"]);
  assert.equal(lastLine(r.stdout), "❌ LOAD TEST FAILED", `${r.stdout}\n${r.stderr}`);
  assert.notEqual(r.code, 0);
});

test("with --compare-with the gate runs both builds' benchmarks interleaved and fails on a slower one", { timeout: 300_000 }, async () => {
  // The "candidate build": perfval with PERFVAL_BENCH_EXTRA_WORK_PCT=100, so cpu/metric_render does twice the work.
  const dir = tmpDir("gate-ab");
  const slower = path.join(dir, "slower-perfval");
  // Only its own benchmarks are slower: the gate runs `perfval compare` with this binary too, and that must not
  // pass the variable on to the other build's benchmarks.
  fs.writeFileSync(slower, `#!/bin/sh\n[ "$1" = bench ] && export PERFVAL_BENCH_EXTRA_WORK_PCT=100\nexec ${perfvalBin} "$@"\n`,
    { mode: 0o755 });
  const serve = await startServe(["--nodes", "100"]);
  try {
    // 8 rounds, not 4: with 4 (3 degrees of freedom) a +125 % reading under the parallel tests' load came out
    // inconclusive at p = 0.017 (compare's default --alpha is 0.01) on a CI run; the rounds are the samples.
    const out = path.join(dir, "out");
    const r = await run(gate, ["--target", serve.url, "--duration", "3s", "--out", out, "--perfval", slower,
      "--compare-with", perfvalBin, "--rounds", "8", "--max-rounds", "16",
      "--bench-args", "--category cpu --processes 1 --benchmark_filter=^cpu/metric_render/1000$ --repetitions 3 --benchmark_min_time=0.02"],
      { timeoutMs: 280_000 });
    const detail = `${r.stdout}\n${r.stderr}`;
    assert.equal(lastLine(r.stdout), "❌ LOAD TEST FAILED", detail);
    assert.equal(r.code, 99, detail);
    assert.match(r.stdout, /perfval compare exited 99/, detail);
    const report = fs.readFileSync(path.join(out, "compare.md"), "utf8");
    assert.match(report, /cpu\/metric_render\/1000\*\*: regressed/);
    // Sequential: a clear change is settled at the first look (8 rounds), a busy CI machine may need the second.
    assert.match(report, /sequential: stopped at (look 1 of 2 \(8 rounds\)|look 2 of 2 \(16 rounds\)) of at most 16/, report);
  } finally {
    await serve.stop();
  }
});

test("bad gate usage exits 2 with a message and the failed verdict", async () => {
  for (const args of [[], ["--target"], ["--target", "http://127.0.0.1:9", "--bogus"],
    ["--target", "http://127.0.0.1:9", "--scenario", "/nonexistent.yaml"],
    ["--target", "http://127.0.0.1:9", "--compare-with", "/nonexistent/perfval"]]) {
    const r = await run(gate, [...args, "--perfval", perfvalBin], { env: { ...process.env, PERFVAL_TARGET: "" } });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /perf-gate: /);
    assert.equal(lastLine(r.stdout), "❌ LOAD TEST FAILED");
  }
});

test("the GitHub Actions example runs the gate with options the gate accepts", async () => {
  const wf = YAML.parse(fs.readFileSync(path.join(root, "ci", "github-actions", "performance-gate.yml"), "utf8"));
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
  const gateStep = steps.find((s) => s.run?.includes("ci/perf-gate.sh"));
  assert.ok(gateStep, "a step runs ci/perf-gate.sh");
  const help = await run(gate, ["--help"]);
  assert.equal(help.code, 0);
  for (const opt of gateStep.run.match(/--[a-z-]+/g)) assert.ok(help.stdout.includes(opt), `gate has no option ${opt}`);
  assert.ok(steps.some((s) => s.run?.includes("scripts/install-deps.sh")), "dependencies from the project's script");
  assert.ok(steps.some((s) => s.run?.includes("scripts/build.sh perfval")));
  const serveStep = steps.find((s) => s.run?.includes("perfval serve"));
  assert.match(serveStep.run, /--listen 127\.0\.0\.1:/, "the example target stays on loopback");
});

// Every container command of every Job and CronJob runs as the pod would run it: Kubernetes' $(VAR) expansion, the
// ConfigMaps as mounted files, /results as a folder, and perfval replaced by the built binary with --dry-run added.
// The Indexed (distributed) Job is run for real by distributed.test.mjs.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, test } from "node:test";
import {
  containerEnv, dryRunShim, expandK8s, isoWeek, mapPaths, materializeVolumes, perfvalBin, root, run, tmpDir, workloads,
} from "./lib.mjs";

let fixtureSummary = null;
// The user's slurmrestd JWT as the Secret slurmrestd-token would hold it (never a real one).
const SLURMRESTD_TOKEN = "eyJ-test-only.pv-token-4c1f9e";

// The weekly regression job reads this week's and last week's results: give it real ones, from a short local run.
before(async () => {
  const dir = tmpDir("fixture");
  const r = await run(perfvalBin, ["run", path.join(root, "scenarios", "smoke.yaml"), "--duration", "1s", "--quiet",
    "--out", dir], { timeoutMs: 60_000 });
  assert.ok([0, 99].includes(r.code), `fixture run failed: ${r.stderr}`);
  fixtureSummary = fs.readFileSync(path.join(dir, "summary.json"));
});

function seedResults(results) {
  const now = new Date();
  for (const week of [isoWeek(new Date(now - 7 * 86400_000)), isoWeek(now)]) {
    fs.mkdirSync(path.join(results, "weekly", week), { recursive: true });
    fs.writeFileSync(path.join(results, "weekly", week, "summary.json"), fixtureSummary);
  }
}

async function runContainer(w, { withSecret }) {
  const base = tmpDir(w.name);
  const results = path.join(base, "results");
  seedResults(results);
  const container = w.podSpec.containers[0];
  const secrets = withSecret ? { "performance-notifications": { "slack-webhook": "https://127.0.0.1:9/never-posted\n" } } : {};
  const mounts = materializeVolumes(w.podSpec, container, base, { secrets, results });
  const env = containerEnv(container, w.kind === "CronJob" ? `${w.name}-29000000` : w.name, {},
    { "slurmrestd-token": { token: SLURMRESTD_TOKEN } });
  const argv = [...(container.command || []), ...(container.args || [])].map((a) => mapPaths(expandK8s(a, env), mounts));
  const shim = dryRunShim(base);
  const childEnv = { PATH: `${shim.bin}:${process.env.PATH}`, HOME: base, TMPDIR: path.join(base, "volumes", "tmp"), ...env };
  const r = await run(argv[0], argv.slice(1), { env: childEnv, cwd: base, timeoutMs: 60_000 });
  const calls = fs.existsSync(shim.log) ? fs.readFileSync(shim.log, "utf8").trim().split("\n") : [];
  return { ...r, calls, base, argv };
}

const plain = workloads().filter((w) => w.jobSpec.completionMode !== "Indexed");

for (const w of plain) {
  test(`${w.kind} ${w.name}: its command is a valid perfval command line`, { timeout: 90_000 }, async () => {
    const r = await runContainer(w, { withSecret: false });
    const detail = `\ncommand: ${r.argv.join(" ")}\nperfval calls:\n  ${r.calls.join("\n  ")}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    assert.ok(r.calls.length > 0, `perfval was never run${detail}`);
    assert.equal(r.code, 0, `exit ${r.code}${detail}`);
    for (const call of r.calls) {
      assert.doesNotMatch(call, /(^|\s)\/(config|scripts|results|secrets)\//, `a path outside the pod's volumes: ${call}`);
      assert.doesNotMatch(call, /\$\(/, `an unexpanded $(VAR): ${call}`);
    }
  });
}

test("the weekly regression posts to Slack only when the Secret is there, reading it as a file", async () => {
  const w = workloads().find((x) => x.name === "performance-regression-detection");
  const without = await runContainer(w, { withSecret: false });
  assert.equal(without.code, 0, without.stderr);
  assert.ok(!without.calls.some((c) => c.includes("--slack")), without.calls.join("\n"));
  assert.match(without.stdout, /not posting to Slack/);
  const withIt = await runContainer(w, { withSecret: true });
  assert.equal(withIt.code, 0, `${withIt.stdout}\n${withIt.stderr}`);
  const call = withIt.calls.find((c) => c.includes("--slack"));
  assert.ok(call, withIt.calls.join("\n"));
  const file = call.match(/--slack-webhook-file (\S+)/)[1];
  assert.equal(fs.readFileSync(file, "utf8"), "https://127.0.0.1:9/never-posted\n");
});

test("the nightly run and the benchmarks write into this ISO week's folder, which the regression job reads", async () => {
  const week = isoWeek(new Date());
  for (const name of ["performance-validation", "benchmark-memory"]) {
    const r = await runContainer(workloads().find((x) => x.name === name), { withSecret: false });
    assert.ok(fs.existsSync(path.join(r.base, "results", "weekly", week)), `${name}: no folder for ${week}`);
    assert.ok(r.calls.some((c) => c.includes(path.join(r.base, "results", "weekly", week))), `${name}: ${r.calls.join("\n")}`);
  }
  const reg = await runContainer(workloads().find((x) => x.name === "performance-regression-detection"), { withSecret: false });
  assert.ok(reg.calls.some((c) => c.includes(`--current ${path.join(reg.base, "results", "weekly", week)}`)), reg.calls.join("\n"));
});

test("load-test-slurmrestd sends the token from the Secret, and perfval never prints it", async () => {
    const w = workloads().find((x) => x.name === "load-test-slurmrestd");
    // The pod's environment carries the Secret's value; without the Secret the pod would not start.
    const secrets = { "slurmrestd-token": { token: SLURMRESTD_TOKEN } };
    assert.equal(containerEnv(w.podSpec.containers[0], w.name, {}, secrets).SLURMRESTD_TOKEN, SLURMRESTD_TOKEN);
    assert.throws(() => containerEnv(w.podSpec.containers[0], w.name), /Secret slurmrestd-token/);
    const r = await runContainer(w, { withSecret: false });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /slurmrestd\.yaml is valid/);
    for (const text of [r.stdout, r.stderr, ...r.calls]) assert.ok(!text.includes(SLURMRESTD_TOKEN), text);
  });

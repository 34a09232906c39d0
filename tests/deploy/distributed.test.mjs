// The Indexed Job load-test-distributed, run for real: its N pods are N processes of k8s/scripts/distributed-run.sh
// with the environment and volumes of the manifest (a short run against `perfval serve` on 127.0.0.1), sharing one
// results folder as the pods share the PVC.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import {
  byKind, containerEnv, expandK8s, mapPaths, materializeVolumes, perfvalBin, run, startServe, tmpDir,
} from "./lib.mjs";

const job = byKind("Job").find((o) => o.metadata.name === "load-test-distributed");
const podSpec = job.spec.template.spec;
const container = podSpec.containers[0];
const segments = job.spec.parallelism;

// Runs the Job's pods once; returns {base, results, runDir, pods: [{code, stdout, stderr}]}.
async function runPods(targetUrl, { dropIndex, mergeTimeout = 60 } = {}) {
  const base = tmpDir("distributed");
  const results = path.join(base, "results");
  const mounts = materializeVolumes(podSpec, container, base, { results });
  const podEnv = containerEnv(container, job.metadata.name);
  const env = Object.fromEntries(Object.entries(podEnv).map(([k, v]) => [k, mapPaths(v, mounts)]));
  // The manifest's run, shortened: a few seconds, a few VUs, a start 3 s away.
  Object.assign(env, {
    TARGET: targetUrl, START_DELAY: "3", MERGE_TIMEOUT: String(mergeTimeout), PERFVAL: perfvalBin,
    PERFVAL_RUN_ARGS: `${env.PERFVAL_RUN_ARGS} --duration 4s --vus 8`,
  });
  const argv = [...container.command, ...(container.args || [])].map((a) => mapPaths(expandK8s(a, env), mounts));
  const pods = [];
  for (let i = 0; i < segments; i++) {
    if (i === dropIndex) continue;
    pods[i] = run(argv[0], argv.slice(1), {
      env: { ...process.env, ...env, JOB_COMPLETION_INDEX: String(i) }, cwd: base, timeoutMs: 90_000,
    });
  }
  return { base, results, runDir: path.join(env.RESULTS_DIR, env.RUN_ID), pods: await Promise.all(pods) };
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

test("N segment pods start together, and pod 0 merges them into one exact result", { timeout: 150_000 }, async () => {
  const serve = await startServe(["--nodes", "50"]);
  try {
    const { runDir, pods } = await runPods(serve.url);
    const log = pods.map((p, i) => `pod ${i}: exit ${p.code}\n${p.stderr}${p.stdout}`).join("\n");
    for (let i = 1; i < segments; i++) assert.equal(pods[i].code, 0, log);
    const startAt = Number(fs.readFileSync(path.join(runDir, "start-at"), "utf8"));
    let requests = 0;
    const starts = new Set();
    for (let i = 0; i < segments; i++) {
      const s = readJson(path.join(runDir, `segment-${i}`, "summary.json"));
      assert.equal(s.config.segment, `${i}/${segments}`);
      // started_at is printed to the second, so a start at exactly T may read T - 1 s.
      assert.ok(Math.abs(Date.parse(s.started_at) / 1000 - startAt) <= 1, `segment ${i} started at ${s.started_at}, not at ${startAt}`);
      starts.add(s.started_at);
      requests += s.metrics.http_reqs.count;
    }
    assert.equal(starts.size, 1, `segments started at different instants: ${[...starts]}`);
    assert.ok(requests > 0);
    assert.ok([0, 99].includes(pods[0].code), log);
    const merged = readJson(path.join(runDir, "merged.json"));
    assert.equal(merged.metrics.http_reqs.count, requests, "merged count = sum of the segments'");
    assert.equal(pods[0].code === 0, merged.status === "passed", `pod 0's exit code is the merged verdict\n${log}`);
  } finally {
    await serve.stop();
  }
});

test("a missing segment makes pod 0 fail instead of merging a partial result", { timeout: 150_000 }, async () => {
  const serve = await startServe(["--nodes", "50"]);
  try {
    const { runDir, pods } = await runPods(serve.url, { dropIndex: segments - 1, mergeTimeout: 10 });
    assert.equal(pods[0].code, 2, pods[0].stderr);
    assert.match(pods[0].stderr, new RegExp(`only ${segments - 1} of ${segments} segments finished`));
    assert.ok(!fs.existsSync(path.join(runDir, "merged.json")));
  } finally {
    await serve.stop();
  }
});

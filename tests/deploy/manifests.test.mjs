// k8s/: the kustomization builds, every object passes the Kubernetes schemas, and the Jobs and CronJobs are the
// ones users run, with their schedules, limits, security settings, and references that resolve.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { Job } from "kubernetes-models/batch/v1/Job";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import YAML from "yaml";
import { USER_SECRETS, byKind, findConfigMap, kustomizeBuild, root, workloads } from "./lib.mjs";

const MODELS = { Job, CronJob, ConfigMap, PersistentVolumeClaim, ServiceAccount };
const JOBS = ["load-test-baseline", "load-test-stress", "load-test-spike", "load-test-endurance", "load-test-capacity",
  "benchmark-memory", "benchmark-cpu", "benchmark-network", "benchmark-scalability", "capacity-simulation",
  "load-test-distributed", "load-test-slurmrestd"];
const SCHEDULES = {
  "capacity-analysis": /^\S+ \S+ 1 \* \*$/, // monthly: a fixed day of month, every month, any weekday
  "performance-regression-detection": /^0 1 \* \* 0$/,
  "performance-validation": /^\S+ \S+ \* \* \*$/, // nightly: once a day
};

test("kubectl kustomize k8s/ builds, everything in namespace slurm-exporter", () => {
  const objects = kustomizeBuild();
  assert.ok(objects.length > 0);
  for (const o of objects) assert.equal(o.metadata.namespace, "slurm-exporter", `${o.kind}/${o.metadata.name}`);
});

test("every object passes the Kubernetes schema (kubernetes-models)", () => {
  for (const o of kustomizeBuild()) {
    const Model = MODELS[o.kind];
    assert.ok(Model, `${o.kind}/${o.metadata.name}: no schema wired up for kind ${o.kind}`);
    assert.doesNotThrow(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`);
  }
});

test("each source manifest passes the schema on its own (kubectl apply -f of one file)", () => {
  for (const sub of ["jobs", "cronjobs"]) {
    for (const file of fs.readdirSync(path.join(root, "k8s", sub))) {
      const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(root, "k8s", sub, file), "utf8")).map((d) => d.toJS());
      assert.equal(docs.length, 1, file);
      assert.equal(`${docs[0].metadata.name}.yaml`, file, "file named after its object");
      assert.doesNotThrow(() => new MODELS[docs[0].kind](docs[0]).validate(), file);
    }
  }
});

test("the schema check rejects a broken manifest (the check can fail)", () => {
  const job = structuredClone(byKind("Job")[0]);
  job.spec.parallelism = "four";
  assert.throws(() => new Job(job).validate(), /parallelism/);
});

test("the Jobs and CronJobs users run exist, Jobs in k8s/jobs and CronJobs in k8s/cronjobs", () => {
  assert.deepEqual(byKind("Job").map((o) => o.metadata.name).sort(), [...JOBS].sort());
  assert.deepEqual(byKind("CronJob").map((o) => o.metadata.name).sort(), Object.keys(SCHEDULES).sort());
  for (const name of JOBS) assert.ok(fs.existsSync(path.join(root, "k8s", "jobs", `${name}.yaml`)), name);
  for (const name of Object.keys(SCHEDULES)) assert.ok(fs.existsSync(path.join(root, "k8s", "cronjobs", `${name}.yaml`)), name);
});

test("CronJob schedules are as specified", () => {
  for (const cj of byKind("CronJob")) {
    assert.match(cj.spec.schedule, SCHEDULES[cj.metadata.name], cj.metadata.name);
    assert.equal(cj.spec.concurrencyPolicy, "Forbid", cj.metadata.name);
  }
  assert.equal(byKind("CronJob").find((c) => c.metadata.name === "performance-regression-detection").spec.schedule, "0 1 * * 0");
});

test("Jobs are created suspended, so applying the kustomization sends no load", () => {
  for (const job of byKind("Job")) assert.equal(job.spec.suspend, true, job.metadata.name);
});

test("every Job has backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished", () => {
  for (const w of workloads()) {
    for (const field of ["backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"]) {
      assert.equal(typeof w.jobSpec[field], "number", `${w.kind}/${w.name}: ${field}`);
    }
    assert.ok(w.jobSpec.activeDeadlineSeconds >= 300, `${w.name}: deadline too short to finish`);
    assert.equal(w.podSpec.restartPolicy, "Never", w.name);
  }
});

test("load tests have a deadline longer than their scenario", () => {
  const planned = { baseline: 630, stress: 930, spike: 330, endurance: 3630, capacity: 1230 }; // s, incl. 30 s graceful stop
  for (const [scenario, seconds] of Object.entries(planned)) {
    const job = byKind("Job").find((o) => o.metadata.name === `load-test-${scenario}`);
    assert.ok(job.spec.activeDeadlineSeconds > seconds, `load-test-${scenario}: ${job.spec.activeDeadlineSeconds} s`);
    assert.ok(JSON.stringify(job.spec.template.spec.containers[0].args).includes(`/config/scenarios/${scenario}.yaml`));
  }
});

test("every container runs non-root with a locked-down securityContext and has requests and limits", () => {
  for (const w of workloads()) {
    const pod = w.podSpec.securityContext || {};
    for (const c of [...(w.podSpec.initContainers || []), ...w.podSpec.containers]) {
      const sc = { ...pod, ...(c.securityContext || {}) };
      const where = `${w.name}/${c.name}`;
      assert.equal(sc.runAsNonRoot, true, `${where}: runAsNonRoot`);
      assert.equal(sc.runAsUser, 10001, `${where}: runAsUser`);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], `${where}: capabilities.drop`);
      for (const kind of ["requests", "limits"]) {
        assert.ok(c.resources?.[kind]?.cpu, `${where}: resources.${kind}.cpu`);
        assert.ok(c.resources?.[kind]?.memory, `${where}: resources.${kind}.memory`);
      }
      assert.match(c.image, /^perfval:/, `${where}: image`);
    }
    assert.equal(w.podSpec.automountServiceAccountToken, false, `${w.name}: no API token in pods`);
  }
});

test("every ConfigMap, Secret, PVC and ServiceAccount referenced exists or is a documented user Secret", () => {
  const docs = fs.readFileSync(path.join(root, "docs", "kubernetes.md"), "utf8");
  for (const w of workloads()) {
    const sa = w.podSpec.serviceAccountName;
    if (sa) assert.ok(byKind("ServiceAccount").some((o) => o.metadata.name === sa), `${w.name}: ServiceAccount ${sa}`);
    for (const v of w.podSpec.volumes || []) {
      if (v.configMap) assert.ok(byKind("ConfigMap").some((o) => o.metadata.name === v.configMap.name), `${w.name}: ConfigMap ${v.configMap.name} (a generated name must carry its hash)`);
      if (v.persistentVolumeClaim) assert.ok(byKind("PersistentVolumeClaim").some((o) => o.metadata.name === v.persistentVolumeClaim.claimName), `${w.name}: PVC ${v.persistentVolumeClaim.claimName}`);
      if (v.secret) {
        const keys = USER_SECRETS[v.secret.secretName];
        assert.ok(keys, `${w.name}: Secret ${v.secret.secretName} is neither built nor a documented user Secret`);
        for (const item of v.secret.items || []) assert.ok(keys.includes(item.key), `${w.name}: Secret key ${item.key}`);
        assert.ok(docs.includes(v.secret.secretName), `docs/kubernetes.md documents Secret ${v.secret.secretName}`);
      }
    }
    for (const c of w.podSpec.containers) {
      for (const e of c.env || []) {
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref) assert.ok(findConfigMap(ref.name)?.data?.[ref.key] !== undefined, `${w.name}: env ${e.name} -> ${ref.name}.${ref.key}`);
        const sref = e.valueFrom?.secretKeyRef;
        if (sref) assert.ok(USER_SECRETS[sref.name]?.includes(sref.key), `${w.name}: env ${e.name} -> Secret ${sref.name}`);
      }
      const inline = JSON.stringify(c);
      assert.doesNotMatch(inline, /hooks\.slack\.com/, `${w.name}: a webhook URL is inlined`);
    }
  }
});

test("the ConfigMaps are generated from the repository's files, byte for byte", () => {
  const expect = {
    "load-test-config": fs.readdirSync(path.join(root, "scenarios")).filter((f) => f.endsWith(".yaml")).map((f) => `scenarios/${f}`),
    "benchmark-config": ["baselines/performance-baselines.yaml"],
    "capacity-planning-config": ["baselines/capacity-planning.yaml"],
  };
  for (const [name, files] of Object.entries(expect)) {
    const cm = findConfigMap(name);
    assert.ok(cm, `ConfigMap ${name} is generated`);
    assert.deepEqual(Object.keys(cm.data).sort(), files.map((f) => path.basename(f)).sort(), `${name}: every file, no other`);
    for (const f of files) assert.equal(cm.data[path.basename(f)], fs.readFileSync(path.join(root, f), "utf8"), `${name}: ${f}`);
  }
  assert.equal(findConfigMap("perfval-scripts").data["distributed-run.sh"],
    fs.readFileSync(path.join(root, "k8s", "scripts", "distributed-run.sh"), "utf8"));
});

test("every ConfigMap in the build is mounted or read by some container", () => {
  const used = new Set();
  for (const w of workloads()) {
    for (const v of w.podSpec.volumes || []) if (v.configMap) used.add(v.configMap.name);
    for (const c of w.podSpec.containers) for (const e of c.env || []) if (e.valueFrom?.configMapKeyRef) used.add(e.valueFrom.configMapKeyRef.name);
  }
  for (const cm of byKind("ConfigMap")) assert.ok(used.has(cm.metadata.name), `ConfigMap ${cm.metadata.name} is unused`);
});

test("the three file ConfigMaps are mounted, and every /config or /scripts path a command names is in its volume", () => {
  const mountedBy = {};
  for (const w of workloads()) {
    const c = w.podSpec.containers[0];
    const text = [...(c.command || []), ...(c.args || []), ...(c.env || []).map((e) => e.value || "")].join("\n");
    for (const m of c.volumeMounts) {
      const v = w.podSpec.volumes.find((x) => x.name === m.name);
      if (!v.configMap) continue;
      const cm = byKind("ConfigMap").find((o) => o.metadata.name === v.configMap.name);
      const base = cm.metadata.name.replace(/-[a-z0-9]{10}$/, "");
      for (const match of text.matchAll(new RegExp(`${m.mountPath}/([A-Za-z0-9._-]+)`, "g"))) {
        assert.ok(match[1] in cm.data, `${w.name}: ${match[0]} is not a file of ConfigMap ${base}`);
        (mountedBy[base] ||= new Set()).add(w.name);
      }
    }
  }
  for (const name of ["load-test-config", "benchmark-config", "capacity-planning-config", "perfval-scripts"]) {
    assert.ok(mountedBy[name]?.size > 0, `no command uses a file of ConfigMap ${name}`);
  }
});

test("the results PVC is mounted at /results everywhere; the weekly jobs share /results/weekly", () => {
  for (const w of workloads()) {
    const c = w.podSpec.containers[0];
    const m = c.volumeMounts.find((x) => w.podSpec.volumes.find((v) => v.name === x.name)?.persistentVolumeClaim);
    assert.equal(m?.mountPath, "/results", w.name);
  }
  const text = (name) => JSON.stringify(workloads().find((w) => w.name === name).podSpec.containers[0]);
  assert.match(text("performance-validation"), /\/results\/weekly\/\$week/);
  assert.match(text("performance-regression-detection"), /--history \/results\/weekly/);
  assert.match(text("performance-regression-detection"), /--current \\"\/results\/weekly\/\$week\\"/);
  for (const cat of ["memory", "cpu", "network", "scalability"]) assert.match(text(`benchmark-${cat}`), /\/results\/weekly\/\$week\/bench-/);
});

test("the distributed load test is an Indexed Job whose pods all run at once", () => {
  const job = byKind("Job").find((o) => o.metadata.name === "load-test-distributed");
  assert.equal(job.spec.completionMode, "Indexed");
  assert.ok(job.spec.parallelism >= 2);
  assert.equal(job.spec.completions, job.spec.parallelism);
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.filter((e) => e.value).map((e) => [e.name, e.value]));
  assert.equal(Number(env.SEGMENTS), job.spec.parallelism, "SEGMENTS = parallelism");
  assert.equal(job.spec.backoffLimit, 0, "a retried segment cannot rejoin a run under way");
});

test("the Slack webhook comes from the Secret performance-notifications as a file, never inline", () => {
  const w = workloads().find((x) => x.name === "performance-regression-detection");
  const secret = w.podSpec.volumes.find((v) => v.secret);
  assert.equal(secret.secret.secretName, "performance-notifications");
  const mount = w.podSpec.containers[0].volumeMounts.find((m) => m.name === secret.name);
  const file = `${mount.mountPath}/${secret.secret.items.find((i) => i.key === "slack-webhook").path}`;
  assert.ok(w.podSpec.containers[0].args[0].includes(`--slack-webhook-file ${file}`));
});

test("the slurmrestd token comes from the Secret slurmrestd-token, never as a literal", () => {
  const job = workloads().find((w) => w.name === "load-test-slurmrestd");
  assert.ok(job, "Job load-test-slurmrestd");
  const env = job.podSpec.containers[0].env.find((e) => e.name === "SLURMRESTD_TOKEN");
  assert.deepEqual(env?.valueFrom, { secretKeyRef: { name: "slurmrestd-token", key: "token" } });
  for (const w of workloads()) {
    for (const c of w.podSpec.containers) {
      for (const e of c.env || []) {
        if (/TOKEN|JWT/i.test(e.name)) assert.equal(e.value, undefined, `${w.name}: env ${e.name} is a literal`);
      }
      const inline = JSON.stringify({ command: c.command, args: c.args, env: c.env });
      assert.doesNotMatch(inline, /eyJ[\w-]{8,}/, `${w.name}: a JWT is inlined`);
      assert.doesNotMatch(inline, /X-SLURM-USER-TOKEN/i, `${w.name}: the token header is set in the manifest`);
    }
  }
  // The example Secret documents the shape and holds no token; it is not built, so applying k8s/ keeps the user's.
  const example = YAML.parse(fs.readFileSync(path.join(root, "k8s", "secrets", "slurmrestd-token.example.yaml"), "utf8"));
  assert.equal(example.kind, "Secret");
  assert.equal(example.metadata.name, "slurmrestd-token");
  assert.deepEqual(Object.keys(example.stringData), ["token"]);
  assert.match(example.stringData.token, /^REPLACE-/);
  assert.ok(!kustomizeBuild().some((o) => o.kind === "Secret"), "no Secret in the build");
  const docs = fs.readFileSync(path.join(root, "docs", "kubernetes.md"), "utf8");
  assert.match(docs, /kubectl -n slurm-exporter create secret generic slurmrestd-token/);
});

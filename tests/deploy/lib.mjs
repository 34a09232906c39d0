// Shared helpers for the deployment checks: the built kustomization, pods' environment and volumes recreated in a
// temporary folder, Kubernetes' $(VAR) expansion, and child processes bounded in time.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const root = process.env.PERFVAL_SOURCE_DIR ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const perfvalBin = process.env.PERFVAL_BIN || path.join(root, "build", "perfval");

// Secrets the user creates (never in the repository); every other referenced object must be in the build.
export const USER_SECRETS = { "performance-notifications": ["slack-webhook"], "slurmrestd-token": ["token"] };


let built = null;
// The objects of `kubectl kustomize k8s/`, built once.
export function kustomizeBuild() {
  if (built) return built;
  const out = execFileSync("kubectl", ["kustomize", path.join(root, "k8s")], {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000,
  });
  built = YAML.parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
  return built;
}

export const byKind = (kind) => kustomizeBuild().filter((o) => o.kind === kind);

export function findObject(kind, name) {
  return kustomizeBuild().find((o) => o.kind === kind && o.metadata.name === name);
}

// kustomize appends a content hash to generated names: load-test-config -> load-test-config-8h7ttfbd58.
export function findConfigMap(name) {
  return byKind("ConfigMap").find((o) => o.metadata.name === name || o.metadata.name.replace(/-[a-z0-9]{10}$/, "") === name);
}

// Every Job and CronJob as {kind, name, jobSpec, podSpec}.
export function workloads() {
  const list = [];
  for (const o of kustomizeBuild()) {
    if (o.kind === "Job") list.push({ kind: o.kind, name: o.metadata.name, obj: o, jobSpec: o.spec, podSpec: o.spec.template.spec });
    if (o.kind === "CronJob") {
      const jobSpec = o.spec.jobTemplate.spec;
      list.push({ kind: o.kind, name: o.metadata.name, obj: o, jobSpec, podSpec: jobSpec.template.spec });
    }
  }
  return list;
}

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `perfval-deploy-${prefix}-`));
}

// Kubernetes' expansion of container command, args and env values: $(VAR) becomes VAR's value when VAR is
// defined, $$ becomes $, anything else stays as written.
export function expandK8s(text, env) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "$" || i + 1 >= text.length) { out += text[i]; continue; }
    const next = text[i + 1];
    if (next === "$") { out += "$"; i++; continue; }
    if (next === "(") {
      const close = text.indexOf(")", i + 2);
      const name = close < 0 ? null : text.slice(i + 2, close);
      if (name !== null && Object.hasOwn(env, name)) { out += env[name]; i = close; continue; }
    }
    out += "$";
  }
  return out;
}

// The environment Kubernetes would give the container; fieldRefs get plausible values for a Job named jobName.
// `secrets`: {secretName: {key: value}} standing for the user's Secrets; a required secretKeyRef without one throws,
// as the pod would not start.
export function containerEnv(container, jobName, extra = {}, secrets = {}) {
  const env = {};
  for (const e of container.env || []) {
    if (e.value !== undefined) env[e.name] = expandK8s(String(e.value), env);
    else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = findConfigMap(ref.name);
      if (!cm || !(ref.key in (cm.data || {}))) throw new Error(`env ${e.name}: ConfigMap ${ref.name} has no key ${ref.key}`);
      env[e.name] = cm.data[ref.key];
    } else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const value = secrets[ref.name]?.[ref.key];
      if (value !== undefined) env[e.name] = value;
      else if (!ref.optional) throw new Error(`env ${e.name}: the pod needs Secret ${ref.name} (key ${ref.key})`);
    } else if (e.valueFrom?.fieldRef) {
      const field = e.valueFrom.fieldRef.fieldPath;
      const known = {
        "metadata.labels['job-name']": jobName,
        "metadata.labels['batch.kubernetes.io/job-name']": jobName,
        "metadata.labels['controller-uid']": "0b9e3c1a-test-uid",
        "metadata.labels['batch.kubernetes.io/controller-uid']": "0b9e3c1a-test-uid",
        "metadata.name": `${jobName}-abcde`,
        "metadata.namespace": "slurm-exporter",
      };
      if (!(field in known)) throw new Error(`env ${e.name}: fieldRef ${field} is not one this test knows`);
      env[e.name] = known[field];
    } else {
      throw new Error(`env ${e.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
    }
  }
  return { ...env, ...extra };
}

// Recreates the pod's volumes in a folder: ConfigMaps and Secrets as the files the pod would see, the results
// PVC and emptyDirs as folders. Returns [{mountPath, dir, volume}], longest mount path first.
export function materializeVolumes(podSpec, container, base, { secrets = {}, results } = {}) {
  const mounts = [];
  for (const m of container.volumeMounts || []) {
    const volume = (podSpec.volumes || []).find((v) => v.name === m.name);
    if (!volume) throw new Error(`volumeMount ${m.name} has no volume`);
    let dir = path.join(base, "volumes", m.name);
    if (volume.persistentVolumeClaim && results) dir = results;
    fs.mkdirSync(dir, { recursive: true });
    const write = (data, items, what) => {
      const chosen = items || Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of chosen) {
        if (!(item.key in data)) throw new Error(`${what} has no key ${item.key}`);
        fs.mkdirSync(path.dirname(path.join(dir, item.path)), { recursive: true });
        fs.writeFileSync(path.join(dir, item.path), data[item.key]);
      }
    };
    if (volume.configMap) {
      const cm = findConfigMap(volume.configMap.name);
      if (!cm) throw new Error(`volume ${m.name}: ConfigMap ${volume.configMap.name} is not in the build`);
      write(cm.data || {}, volume.configMap.items, `ConfigMap ${volume.configMap.name}`);
    } else if (volume.secret) {
      const data = secrets[volume.secret.secretName];
      if (data) write(data, volume.secret.items, `Secret ${volume.secret.secretName}`);
    }
    mounts.push({ mountPath: m.mountPath, dir, volume });
  }
  return mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

// Replaces container paths under a mount point by the local folder that stands for it.
// One pass, so a local folder that itself starts with a mount path (/tmp/...) is not mapped twice.
export function mapPaths(text, mounts) {
  if (mounts.length === 0) return text;
  const alternatives = mounts.map((m) => m.mountPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const byPath = new Map(mounts.map((m) => [m.mountPath, m.dir]));
  return text.replace(new RegExp(`(^|[\\s"'=])(${alternatives})(?=$|[/\\s"'])`, "g"),
    (_, lead, mountPath) => lead + byPath.get(mountPath));
}

// A `perfval` first on PATH that logs its arguments and runs the real binary with --dry-run appended.
export function dryRunShim(base) {
  const bin = path.join(base, "shim");
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(base, "perfval-calls.log");
  fs.writeFileSync(path.join(bin, "perfval"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${perfvalBin}' "$@" --dry-run\n`, { mode: 0o755 });
  return { bin, log };
}

// Runs a child process with a deadline; resolves {code, stdout, stderr}. A child past its deadline is killed.
export function run(cmd, args, { env = process.env, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    // Its own process group, so that a deadline also ends what a shell script started.
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      try { process.kill(-child.pid, "SIGKILL"); } catch { child.kill("SIGKILL"); }
    }, timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

// Starts `perfval serve` on a free 127.0.0.1 port; resolves {url, stop}. Killed on stop or after maxMs.
export function startServe(extraArgs = [], maxMs = 120_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(perfvalBin, ["serve", "--listen", "127.0.0.1:0", "--threads", "2", ...extraArgs],
      { stdio: ["ignore", "pipe", "pipe"] });
    const guard = setTimeout(() => child.kill("SIGKILL"), maxMs);
    let out = "", err = "";
    const stop = () => new Promise((done) => {
      clearTimeout(guard);
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("close", () => done());
      child.kill("SIGTERM");
    });
    child.stderr.on("data", (d) => { err += d; });
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ url: m[1], stop });
    });
    child.on("close", (code) => { clearTimeout(guard); reject(new Error(`perfval serve exited ${code}: ${err}`)); });
  });
}

export function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

// Dockerfile, checked statically (no Docker engine runs here): the stages, base images, install script, build
// outputs, non-root user, and that the runtime packages provide every shared library the built binaries load.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { perfvalBin, root } from "./lib.mjs";

const text = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");
// Instructions with line continuations joined, comments dropped.
const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
const stages = [];
for (const l of lines) {
  const [op, ...rest] = l.split(/\s+/);
  if (op.toUpperCase() === "FROM") stages.push({ from: rest.join(" "), steps: [] });
  else stages.at(-1).steps.push({ op: op.toUpperCase(), arg: rest.join(" ") });
}
const runs = (stage) => stage.steps.filter((s) => s.op === "RUN").map((s) => s.arg).join("\n");
const installScript = fs.readFileSync(path.join(root, "scripts", "install-deps.sh"), "utf8");

test("two stages, both Debian bookworm; the build stage is named and used", () => {
  assert.equal(stages.length, 2);
  for (const s of stages) assert.match(s.from, /^debian:bookworm(-slim)?\b/);
  assert.match(stages[0].from, /\bAS build$/i);
  assert.ok(stages[1].steps.some((s) => s.op === "COPY" && s.arg.startsWith("--from=build ")));
});

test("the build stage installs with scripts/install-deps.sh --build-only and builds perfval and perfval-bench", () => {
  assert.match(runs(stages[0]), /scripts\/install-deps\.sh --build-only/);
  assert.match(runs(stages[0]), /scripts\/build\.sh perfval perfval-bench/);
  assert.match(installScript, /--build-only\)/, "install-deps.sh accepts --build-only");
});

test("the runtime stage installs with install-deps.sh --runtime and copies the two build outputs", () => {
  assert.match(runs(stages[1]), /install-deps\.sh --runtime/);
  assert.match(installScript, /--runtime\)/, "install-deps.sh accepts --runtime");
  const copy = stages[1].steps.find((s) => s.op === "COPY" && s.arg.startsWith("--from=build "));
  assert.match(copy.arg, /\/build\/perfval\b/);
  assert.match(copy.arg, /\/build\/perfval-bench\b/);
  assert.match(copy.arg, /\/usr\/local\/bin\/$/);
  // Both are executables written to the top of the build folder (what build/perfval and build/perfval-bench are).
  for (const [dir, target] of [["src/cli", "perfval"], ["src/bench", "perfval-bench"]]) {
    const cmake = fs.readFileSync(path.join(root, dir, "CMakeLists.txt"), "utf8");
    assert.match(cmake, new RegExp(`add_executable\\(${target}\\b`), `${dir} builds ${target}`);
    assert.match(cmake, new RegExp(`set_target_properties\\(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY \\$\\{PROJECT_BINARY_DIR\\}`));
  }
});

test("COPY sources exist and are not excluded by .dockerignore", () => {
  const ignored = fs.readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  for (const s of stages.flatMap((st) => st.steps).filter((x) => x.op === "COPY" && !x.arg.startsWith("--from"))) {
    const sources = s.arg.split(/\s+/).slice(0, -1);
    for (const src of sources) {
      if (src === ".") continue;
      assert.ok(fs.existsSync(path.join(root, src)), `COPY ${src}: not in the repository`);
      assert.ok(!ignored.some((p) => src.replace(/\/$/, "") === p.replace(/\/$/, "")), `COPY ${src} is in .dockerignore`);
    }
  }
  for (const needed of ["scripts", "src", "CMakeLists.txt", "tests"]) assert.ok(!ignored.includes(needed), `${needed} must reach the build`);
});

test("the image runs as the non-root user 10001 and ships the scenarios and baselines", () => {
  const users = stages[1].steps.filter((s) => s.op === "USER");
  assert.equal(users.at(-1)?.arg.split(":")[0], "10001");
  assert.match(runs(stages[1]), /useradd[^\n]*--uid 10001/);
  assert.ok(stages[1].steps.some((s) => s.op === "COPY" && /^scenarios\/? \/etc\/perfval\/scenarios\/?$/.test(s.arg)));
  assert.ok(stages[1].steps.some((s) => s.op === "COPY" && /^baselines\/? \/etc\/perfval\/baselines\/?$/.test(s.arg)));
});

// Installed packages with their dependencies, to close the runtime list over Depends/Pre-Depends.
function installedPackages() {
  const out = execFileSync("dpkg-query", ["-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\t${Priority}\t${Essential}\t${Provides}\n"], { encoding: "utf8" });
  const pkgs = new Map(), provides = new Map();
  for (const line of out.split("\n").filter(Boolean)) {
    const [name, deps, priority, essential, prov] = line.split("\t");
    const alts = deps.split(",").map((d) => d.trim()).filter(Boolean).map((d) => d.split("|").map((a) => a.trim().split(/[\s:(]/)[0]));
    pkgs.set(name, { alts, base: priority === "required" || essential === "yes" });
    for (const p of prov.split(",").map((x) => x.trim().split(/[\s(]/)[0]).filter(Boolean)) provides.set(p, name);
  }
  return { pkgs, provides };
}

// The package that ships each library of LIBS, from one dpkg query for all of them (each `dpkg -S` reads the
// whole file database: half a second here, 30 s for one query per library); with merged /usr, dpkg knows some
// files only by their /lib path, so every spelling of each library is asked for.
function ownersOf(libs) {
  const spellings = (lib) => {
    const real = fs.realpathSync(lib);
    return [lib, real, real.replace(/^\/usr\/lib\//, "/lib/"), lib.replace(/^\/lib\//, "/usr/lib/")];
  };
  // dpkg -S exits 1 when a spelling is unknown to it, and still prints the owners of the others.
  const out = spawnSync("dpkg", ["-S", ...new Set(libs.flatMap(spellings))], { encoding: "utf8" }).stdout;
  const owner = new Map();
  for (const line of out.split("\n")) {
    const m = line.match(/^(.*?): (\/.*)$/);  // "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6"
    if (m && !owner.has(m[2])) owner.set(m[2], m[1].split(":")[0]);
  }
  return new Map(libs.map((lib) => [lib, spellings(lib).map((c) => owner.get(c)).find(Boolean) ?? `no package owns ${lib}`]));
}

test("install-deps.sh --runtime provides every shared library perfval and perfval-bench load", () => {
  const list = installScript.match(/runtime_pkgs=\(([^)]*)\)/)[1].split(/\s+/).filter(Boolean);
  const { pkgs, provides } = installedPackages();
  const allowed = new Set([...pkgs].filter(([, p]) => p.base).map(([n]) => n));
  const queue = [...list, "apt"];  // bookworm-slim has apt and the required packages
  while (queue.length) {
    const name = queue.pop();
    const real = pkgs.has(name) ? name : provides.get(name);
    if (!real || allowed.has(real) && !list.includes(name) && name !== "apt") continue;
    allowed.add(real);
    for (const alt of pkgs.get(real).alts) for (const a of alt) if (!allowed.has(a)) queue.push(a);
  }
  const bench = path.join(path.dirname(perfvalBin), "perfval-bench");
  assert.ok(fs.existsSync(bench), `${bench} is not built (scripts/build.sh perfval-bench)`);
  const missing = [];
  const libsOf = (bin) => execFileSync("ldd", [bin], { encoding: "utf8" }).split("\n").map((l) => l.match(/=> (\/\S+)/)?.[1]).filter(Boolean);
  const loaded = [perfvalBin, bench].map((bin) => [bin, libsOf(bin)]);
  const owners = ownersOf([...new Set(loaded.flatMap(([, libs]) => libs))]);
  for (const [bin, libs] of loaded) {
    for (const lib of libs) {
      const owner = owners.get(lib);
      if (!allowed.has(owner)) missing.push(`${path.basename(bin)}: ${path.basename(lib)} (package ${owner})`);
    }
  }
  assert.deepEqual(missing, [], "add these packages to runtime_pkgs in scripts/install-deps.sh");
});

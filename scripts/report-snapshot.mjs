#!/usr/bin/env node
// Opens an HTML report in Debian's headless Chromium through the DevTools protocol over a pipe (no package
// needed) and says what a reader's browser did: console messages and exceptions, every request the page
// made, how many charts were drawn, the page text, render timings, a full-page PNG and the DOM.
//   node scripts/report-snapshot.mjs REPORT.html [--png OUT.png] [--dom OUT.html] [--dark] [--width 1280] [--clip TOP,HEIGHT]
// Prints one JSON object (without the DOM and PNG) on stdout. Used by tests/browser and scripts/render-samples.sh.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const kFlags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
  "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--force-device-scale-factor=1",
  "--remote-debugging-pipe"];

// One Chromium with a fresh profile; send() returns the result of a DevTools command.
class Browser {
  constructor(executable) {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), "perfval-chromium-"));
    this.proc = spawn(executable, [...kFlags, `--user-data-dir=${this.profile}`, "about:blank"],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    this.stderr = "";
    this.proc.stderr.on("data", (d) => { this.stderr += d; });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    let buffer = "";
    this.proc.stdio[4].on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end;
      while ((end = buffer.indexOf("\0")) >= 0) {
        this.dispatch(JSON.parse(buffer.slice(0, end)));
        buffer = buffer.slice(end + 1);
      }
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", resolve));
  }

  dispatch(msg) {
    if (msg.id && this.pending.has(msg.id)) {
      const { resolve, reject, method } = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
      else resolve(msg.result);
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(JSON.stringify(msg) + "\0");
    });
  }

  waitFor(method, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}`)), timeoutMs);
      this.listeners.push((m) => { if (m.method === method) { clearTimeout(timer); resolve(m.params); } });
    });
  }

  async close() {
    try {
      await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 3000))]);
    } catch { /* already gone */ }
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

// What the page reports about itself once loaded.
const kPageFacts = `(() => {
  const drawn = (el) => { const b = el.getBBox(); return b.width > 0 && b.height > 0; };
  const charts = [...document.querySelectorAll("svg.chart")];
  const nav = performance.getEntriesByType("navigation")[0] || {};
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((p) => [p.name, p.startTime]));
  return {
    title: document.title,
    charts: charts.length,
    chartsDrawn: charts.filter((c) => [...c.querySelectorAll("path.line, path.band, rect.bar")].some(drawn)).length,
    chartTitles: [...document.querySelectorAll("figure.chart-box figcaption")].map((f) => f.textContent),
    text: document.body.innerText,
    timing: { domContentLoadedMs: nav.domContentLoadedEventEnd, loadMs: nav.loadEventEnd,
              firstContentfulPaintMs: paint["first-contentful-paint"] },
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || "",
    background: getComputedStyle(document.body).backgroundColor,
  };
})()`;

export async function inspect(file, { png, dom, dark = false, width = 1280, clip, timeoutMs = 60000,
  executable = process.env.CHROMIUM || "/usr/bin/chromium" } = {}) {
  const browser = new Browser(executable);
  const url = pathToFileURL(path.resolve(file)).href;
  const events = { console: [], exceptions: [], log: [], requests: [], failed: [] };
  browser.listeners.push((m) => {
    const p = m.params || {};
    if (m.method === "Runtime.consoleAPICalled") events.console.push({ type: p.type, text: (p.args || []).map((a) => a.value ?? a.description).join(" ") });
    if (m.method === "Runtime.exceptionThrown") events.exceptions.push(p.exceptionDetails?.exception?.description || p.exceptionDetails?.text);
    if (m.method === "Log.entryAdded") events.log.push({ level: p.entry.level, source: p.entry.source, text: p.entry.text, url: p.entry.url });
    if (m.method === "Network.requestWillBeSent") events.requests.push(p.request.url);
    if (m.method === "Network.loadingFailed") events.failed.push({ reason: p.blockedReason || p.errorText });
  });
  try {
    const { targetId } = await browser.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.send("Target.attachToTarget", { targetId, flatten: true });
    const send = (method, params) => browser.send(method, params, sessionId);
    for (const domain of ["Runtime", "Log", "Network", "Page"]) await send(`${domain}.enable`);
    await send("Emulation.setDeviceMetricsOverride", { width, height: 900, deviceScaleFactor: 1, mobile: false });
    await send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: dark ? "dark" : "light" }] });
    const loaded = browser.waitFor("Page.loadEventFired", timeoutMs);
    await send("Page.navigate", { url });
    await loaded;
    await new Promise((r) => setTimeout(r, 200));  // late console messages and requests
    const facts = (await send("Runtime.evaluate", { expression: kPageFacts, returnByValue: true })).result.value;
    if (dom) {
      const html = (await send("Runtime.evaluate", { expression: "document.documentElement.outerHTML", returnByValue: true })).result.value;
      fs.writeFileSync(dom, html);
    }
    if (png) {
      const { cssContentSize } = await send("Page.getLayoutMetrics");
      const [top, height] = clip || [0, Math.ceil(cssContentSize.height)];
      const shot = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true,
        clip: { x: 0, y: top, width, height: Math.min(height, Math.ceil(cssContentSize.height) - top), scale: 1 } });
      fs.writeFileSync(png, Buffer.from(shot.data, "base64"));
    }
    // Requests other than the report itself: anything here left (or tried to leave) the file.
    const outside = events.requests.filter((u) => u !== url && !u.startsWith("data:"));
    return { url, ...facts, ...events, outside };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const file = args[0];
  if (!file || file.startsWith("--")) {
    console.error("usage: node scripts/report-snapshot.mjs REPORT.html [--png OUT.png] [--dom OUT.html] [--dark] [--width N] [--clip TOP,HEIGHT]");
    process.exit(2);
  }
  const r = await inspect(file, { png: opt("--png"), dom: opt("--dom"), dark: args.includes("--dark"),
    width: Number(opt("--width") || 1280), clip: opt("--clip")?.split(",").map(Number) });
  delete r.text;
  console.log(JSON.stringify(r, null, 2));
}

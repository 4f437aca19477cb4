// Shared harness of the browser tests: the real fuyou binary on a free port
// with a fresh database (demo logins, no synthetic births), Debian chromium
// driven by playwright-core with a fresh user-data-dir, screenshots in
// build/screenshots/. A test exits 77 (ctest: skipped) only when chromium is
// missing.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PASSWORD = 'fuyou-demo-2026';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'build', 'screenshots');
export const SKIP = 77;

const CRASH = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|Segmentation fault|SUMMARY: \w+Sanitizer/;

export function skipWithoutChromium() {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} not found (apt-get install chromium); browser tests skipped`);
    process.exit(SKIP);
  }
}

// Starts `fuyou serve` on a free port with a fresh database made by
// `fuyou demo --births 0`, and waits until it answers. Returns
// { url, db, stop() }. A server that prints its port but does not answer
// on it (seen rarely on a loaded machine) is stopped and started again.
export async function startServer(opts = {}) {
  for (let attempt = 1; ; attempt++) {
    const server = await startServerOnce(opts);
    if (await answers(server.url)) return server;
    console.log(`  server at ${server.url} does not answer; starting another (attempt ${attempt})`);
    await server.stop().catch(() => {});
    if (attempt === 3) throw new Error('the server never answered on the port it printed');
  }
}

async function answers(url) {
  for (let i = 0; i < 20; i++) {
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) return true;
    } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function startServerOnce({ env = {} } = {}) {
  const bin = process.env.FUYOU_BIN || path.join(ROOT, 'build', 'fuyou');
  if (!existsSync(bin)) throw new Error(`fuyou binary not found at ${bin} (build it, or set FUYOU_BIN)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fuyou-browser-'));
  const db = path.join(dir, 'fuyou.db');
  const fullEnv = { ...process.env, ...env };
  execFileSync(bin, ['demo', '--db', db, '--births', '0'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const errPath = path.join(dir, 'serve.stderr');
  const errFd = openSync(errPath, 'w');
  const proc = spawn(bin, ['serve', '--db', db, '--port', '0'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', errFd] });
  closeSync(errFd);
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within 30 s\n${readFileSync(errPath, 'utf8')}`)), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/[0-9.]+:(\d+))\n/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code})\n${readFileSync(errPath, 'utf8')}`)); });
  });
  proc.removeAllListeners('exit');
  let exited = null;
  const exitP = new Promise((r) => proc.on('exit', (code, sig) => { exited = { code, sig }; r(); }));
  return {
    url, db, dir,
    stderr: () => readFileSync(errPath, 'utf8'),
    async stop() {
      // SIGTERM, repeated: fuyou's main thread waits in pause() and a
      // signal that another thread takes does not wake it (reported)
      for (let waited = 0; !exited && waited < 30000; waited += 2000) {
        proc.kill('SIGTERM');
        await Promise.race([exitP, new Promise((r) => setTimeout(r, 2000))]);
      }
      if (!exited) { proc.kill('SIGKILL'); await exitP; throw new Error('server did not stop within 30 s of SIGTERM'); }
      const err = readFileSync(errPath, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      if (exited.code !== 0) throw new Error(`server exited with ${exited.code ?? exited.sig}\n${err}`);
      if (CRASH.test(err)) throw new Error(`server stderr has a crash or sanitizer report:\n${err}`);
    },
  };
}

// Debian chromium, headless, a fresh profile; zh-CN in Shanghai time.
export async function launchBrowser({ viewport = { width: 1366, height: 900 } } = {}) {
  const require = createRequire(path.join(ROOT, 'web', 'package.json'));
  let pw;
  try {
    pw = require('playwright-core');
  } catch (e) {
    throw new Error('playwright-core is not installed: run scripts/deps.sh (npm ci in web/)');
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'fuyou-chromium-'));
  const context = await pw.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport,
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(20000);
  const errors = [];
  const consoleLog = [];
  const watch = (page) => {
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => { if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) consoleLog.push(`${m.type()}: ${m.text()}`); });
    page.on('requestfailed', (r) => consoleLog.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith('http://127.0.0.1') && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:')) {
        errors.push(`request to the internet: ${u}`);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] || await context.newPage();
  return {
    context, page, errors, consoleLog,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Transient toasts hidden; the phone tab bar drawn at the foot of the page
// rather than where the first screen ended.
const SHOT_STYLE = '#toast { display: none !important; } .mama-nav { position: absolute !important; }';

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0)); // sticky bars at the top of the picture
  await page.screenshot({ path: file, fullPage: true, style: SHOT_STYLE });
  console.log(`  screenshot ${path.relative(ROOT, file)}`);
  return file;
}

export async function login(page, base, username, password = PASSWORD) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForFunction(() => !location.hash.startsWith('#/login'));
  await page.locator('main h1').first().waitFor();
}

export async function logout(page) {
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForFunction(() => location.hash.startsWith('#/login'));
}

// The JSON API with a bearer token, for setting up data a test does not
// click through.
export async function apiAs(base, username) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  const { token } = await r.json();
  const call = async (method, p, body) => {
    const res = await fetch(`${base}/api/v1${p}`, {
      method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = (res.headers.get('content-type') || '').includes('json') ? await res.json() : await res.text();
    return { status: res.status, body: data };
  };
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b || {}) };
}

// A valid GB 11643 resident ID number of a woman born on `birth` (YYYY-MM-DD).
let seq = 0;
export function residentId(birth, area = '310104') {
  const s = (2 * (((process.pid + seq++ * 7) % 480) + 10)).toString().padStart(3, '0');
  const body = `${area}${birth.replaceAll('-', '')}${s}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

export function shanghaiToday(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

// Runs the named steps in order; on failure saves a screenshot, prints the
// page errors and exits 1. Always stops the browser and the server.
export async function run(name, body) {
  skipWithoutChromium();
  let server;
  let browser;
  let failed = false;
  const t0 = Date.now();
  try {
    server = await startServer();
    browser = await launchBrowser();
    const step = async (label, fn) => {
      const s0 = Date.now();
      process.stdout.write(`- ${label} … `);
      await fn();
      console.log(`ok (${Date.now() - s0} ms)`);
    };
    await body({ base: server.url, page: browser.page, context: browser.context, step, server });
    if (browser.errors.length) throw new Error(`errors in the page:\n${browser.errors.join('\n')}`);
  } catch (e) {
    failed = true;
    console.log('FAILED');
    console.error(e && e.stack ? e.stack : e);
    if (browser) {
      try { await screenshot(browser.page, `FAIL-${name}`); } catch (_) { /* page may be gone */ }
      if (browser.errors.length) console.error(browser.errors.join('\n'));
      if (browser.consoleLog.length) console.error(`browser console:\n${browser.consoleLog.slice(-20).join('\n')}`);
    }
    if (server) console.error(`server stderr (last lines):\n${server.stderr().split('\n').slice(-30).join('\n')}`);
  } finally {
    if (browser) await browser.close().catch((e) => { failed = true; console.error(e); });
    if (server) await server.stop().catch((e) => { failed = true; console.error(e); });
  }
  console.log(`${name}: ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

// How many sampled pixels of the canvas inside `locator` are painted (an
// ECharts chart draws into a 2-D canvas): 0 means an empty chart.
export async function paintedPixels(locator) {
  await locator.locator('canvas').first().waitFor();
  return locator.evaluate((el) => {
    let n = 0;
    for (const c of el.querySelectorAll('canvas')) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) n++;
    }
    return n;
  });
}

#!/usr/bin/env node
// Drives real Exotel web SDK phones (@exotel-npm-dev/webrtc-client-sdk, dist/exotelsdk.js) in
// headless Chromium and prints every callback they give as JSON lines in the shape of
// `ringstorm run --events` (engine/app/events_log.hpp), so the two can be compared line by line:
//   {"t": 1.234567, "phone": "10001", "tab": 0, "cb": "register", "event": "registered", "call_id": ""}
//
//   node sdk_phone.mjs --target wss://127.0.0.1:PORT/ws --users 10001,10002 --password P
//       (--hold SECONDS | --observe SECONDS | --steps LIST) [--events FILE] [--console FILE]
//       [--trace FILE] [--sipdomain D] [--chromium PATH] [--register-within S] [--settle S]
//
// Each phone is one browser context with one page (the SDK keeps its state at module level, so
// two phones in one page would share it). The page comes from a small HTTP server on 127.0.0.1
// (a secure context, so the media APIs exist) that serves the SDK bundle and its .wav files.
//   --hold S     DoRegister(); wait for `registered`; S seconds later UnRegister(); wait for
//                `unregistered`, then --settle seconds (default 1.5) for anything that follows.
//   --observe S  DoRegister() and record whatever happens for S seconds (a failing registration
//                and the SDK's own retry loop).
//   --steps L    run the scripted flow L (sdk_steps.mjs: register, wait_call, answer, hold,
//                unhold, hangup, wait_end, expect, media, ...), the same for every phone.
//   --trace F    JSON lines of what the driver did and saw beyond the callbacks: each step
//                with its time and result, and for each CallListenerCallback the arguments
//                the app got (the callObj's own keys, callObj.callDetails(), the `phone`
//                argument), and each `media` step's reading of the call's RTCPeerConnection
//                stats.
// The page keeps every RTCPeerConnection it creates (window.ringstormPcs, set up before the
// SDK loads), so the driver can read the call's getStats() as the app never does.
// For call events, "call_id" is callObj.callDetails().callId: the SDK's callObj is its Call
// object (Answer, Hangup, ...), whose details hold the INVITE's Call-ID.
// Exit status: 0 done; 1 an awaited callback did not come in time, or a --steps step failed
// (the events so far are written); 2 bad arguments; 3 the browser or the page could not be
// started.
import { createServer } from 'node:http';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseSteps, runSteps } from './sdk_steps.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sdkDist = join(here, 'node_modules', '@exotel-npm-dev', 'webrtc-client-sdk', 'dist');

function usage(message) {
  process.stderr.write(`sdk_phone: ${message}\n(see the header of tests/interop/sdk_phone.mjs)\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    target: '', users: [], password: '', sipdomain: '', hold: null, observe: null, steps: null,
    events: '', console: '', trace: '', chromium: '/usr/bin/chromium', registerWithin: 10,
    settle: 1.5,
  };
  const seconds = (name, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) {
      usage(`${name} needs a number of seconds, got '${v}'`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--target': o.target = v; i++; break;
      case '--users': o.users = (v || '').split(',').filter(Boolean); i++; break;
      case '--password': o.password = v; i++; break;
      case '--sipdomain': o.sipdomain = v; i++; break;
      case '--hold': o.hold = seconds(a, v); i++; break;
      case '--observe': o.observe = seconds(a, v); i++; break;
      case '--steps':
        try { o.steps = parseSteps(v); } catch (e) { usage(`--steps: ${e.message}`); }
        i++;
        break;
      case '--trace': o.trace = v; i++; break;
      case '--events': o.events = v; i++; break;
      case '--console': o.console = v; i++; break;
      case '--chromium': o.chromium = v; i++; break;
      case '--register-within': o.registerWithin = seconds(a, v); i++; break;
      case '--settle': o.settle = seconds(a, v); i++; break;
      default: usage(`unknown argument '${a}'`);
    }
  }
  if (o.users.length === 0) { usage('--users needs at least one user name'); }
  if (o.password === undefined || o.password === '') { usage('--password is required'); }
  if ([o.hold, o.observe, o.steps].filter((m) => m !== null).length !== 1) {
    usage('give exactly one of --hold, --observe and --steps');
  }
  let url;
  try { url = new URL(o.target); } catch { usage(`--target '${o.target}' is not a URL`); }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') { usage('--target must be ws:// or wss://'); }
  o.url = url;
  return o;
}

// sipAccountInfo as an app passes it to initWebrtc (sdk-callback-contract.md, "SDK surface"):
// the SDK builds `{security}://{domain}/{endpoint}` from these fields.
function accountInfo(o, user) {
  const port = o.url.port || (o.url.protocol === 'wss:' ? '443' : '80');
  return {
    userName: user,
    authUser: user,
    secret: o.password,
    sipdomain: o.sipdomain || o.url.hostname,
    domain: `${o.url.hostname}:${port}`,
    port,
    security: o.url.protocol.slice(0, -1),
    endpoint: o.url.pathname.replace(/^\//, ''),
    displayname: user,
  };
}

// Serves the page and the SDK's dist/ (bundle, source map, .wav files) on 127.0.0.1.
function startPageServer() {
  const page = '<!doctype html><meta charset="utf-8"><title>sdk phone</title>' +
    '<script src="/exotelsdk.js"></script>';
  const types = { '.js': 'text/javascript', '.map': 'application/json', '.wav': 'audio/wav' };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
      return;
    }
    if (path === '/favicon.ico') {  // asked for by every page; a 404 would clutter the console log
      res.writeHead(204);
      res.end();
      return;
    }
    const name = path.slice(1);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
      res.writeHead(404);
      res.end();
      return;
    }
    try {
      const body = readFileSync(join(sdkDist, name));
      const ext = name.slice(name.lastIndexOf('.'));
      res.writeHead(200, { 'content-type': types[ext] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs in the page before any of its scripts: every RTCPeerConnection the SDK (SIP.js)
// creates is kept, so that its stats can be read. A subclass, so that instanceof, the
// prototype and the static generateCertificate stay the browser's.
function trackPeerConnections() {
  const Native = window.RTCPeerConnection;
  if (!Native) { return; }
  window.ringstormPcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.ringstormPcs.push(this);
    }
  };
}

// Runs in the page: what the call's RTCPeerConnection (the last one with a remote
// description; the SDK's registration-time STUN probe has none) reports, or null.
async function readMediaStats() {
  const pcs = (window.ringstormPcs || []).filter((pc) => pc.remoteDescription);
  if (pcs.length === 0) { return null; }
  const pc = pcs[pcs.length - 1];
  const report = await pc.getStats();
  let inbound = null;
  let outbound = null;
  let transport = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { inbound = s; }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') { outbound = s; }
    if (s.type === 'transport') { transport = s; }
  });
  const pair = transport && transport.selectedCandidatePairId
    ? report.get(transport.selectedCandidatePairId) : null;
  const candidate = (id) => {
    const c = id ? report.get(id) : null;
    return c ? { type: c.candidateType, address: c.address, port: c.port, protocol: c.protocol } : null;
  };
  return {
    iceConnectionState: pc.iceConnectionState,
    connectionState: pc.connectionState,
    dtlsState: transport ? transport.dtlsState : null,
    dtlsRole: transport ? transport.dtlsRole : null,
    srtpCipher: transport ? transport.srtpCipher : null,
    tlsVersion: transport ? transport.tlsVersion : null,
    pair: pair ? {
      state: pair.state,
      nominated: pair.nominated,
      local: candidate(pair.localCandidateId),
      remote: candidate(pair.remoteCandidateId),
      requestsSent: pair.requestsSent,
      responsesReceived: pair.responsesReceived,
      currentRoundTripTime: pair.currentRoundTripTime,
    } : null,
    inbound: inbound ? {
      packetsReceived: inbound.packetsReceived,
      bytesReceived: inbound.bytesReceived,
      packetsLost: inbound.packetsLost,
      jitter: inbound.jitter,
      codecId: inbound.codecId,
      codec: inbound.codecId && report.get(inbound.codecId) ? report.get(inbound.codecId).mimeType : null,
      totalAudioEnergy: inbound.totalAudioEnergy,
    } : null,
    outbound: outbound ? { packetsSent: outbound.packetsSent, bytesSent: outbound.bytesSent } : null,
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch (e) {
    process.stderr.write(`sdk_phone: playwright-core is not installed (run scripts/setup-interop): ${e.message}\n`);
    process.exit(3);
  }
  const start = Date.now();
  const events = o.events ? createWriteStream(o.events) : process.stdout;
  const consoleLog = o.console ? createWriteStream(o.console) : null;
  const traceLog = o.trace ? createWriteStream(o.trace) : null;
  const seconds = (epochMs) => ((epochMs - start) / 1000).toFixed(6);

  const server = await startPageServer();
  const pageUrl = `http://127.0.0.1:${server.address().port}/`;
  let browser;
  try {
    browser = await playwright.chromium.launch({
      executablePath: o.chromium,
      headless: true,
      // The flags of the reference setup: fake media so nothing prompts (without a fake
      // audio device Answer() ends in 480 and media_permission_denied), no background
      // traffic (the machine's network is closed; these connections only fail and slow
      // it). Loopback ICE candidates, so a call's connectivity checks stay on 127.0.0.1
      // (inside the test's own network namespace when root). The ringtone may play
      // without a user gesture, as it does in an agent's tab that was clicked before.
      args: ['--headless=new', '--no-sandbox', '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-gpu',
        '--disable-quic', '--allow-loopback-in-peer-connection',
        '--autoplay-policy=no-user-gesture-required'],
    });
  } catch (e) {
    process.stderr.write(`sdk_phone: cannot start Chromium '${o.chromium}': ${e.message}\n`);
    server.close();
    process.exit(3);
  }

  let ok = true;
  const runPhone = async (user) => {
    // ignoreHTTPSErrors: the target's certificate is self-signed; without it the SDK only
    // loops on `unregistered`, which would hide everything this test is about.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const seen = [];  // every callback: {cb, event, callId}
    const waiters = [];
    await page.addInitScript(trackPeerConnections);
    const trace = (what) => {
      if (traceLog) { traceLog.write(JSON.stringify({ t: Number(seconds(Date.now())), phone: user, ...what }) + '\n'); }
    };
    await page.exposeFunction('ringstormCallback', (cb, event, callId, at, args) => {
      const line = { t: Number(seconds(at)), phone: user, tab: 0, cb, event, call_id: callId };
      events.write(JSON.stringify(line) + '\n');
      if (args && traceLog) {
        traceLog.write(JSON.stringify({ t: line.t, phone: user, cb, event, ...args }) + '\n');
      }
      seen.push({ cb, event, callId });
      for (const w of waiters.slice()) { w(); }
    });
    if (consoleLog) {
      // Every line prefixed, so a SIP message logged by SIP.js can be grepped per phone.
      page.on('console', (m) => {
        const prefix = `${seconds(Date.now())} ${user} ${m.type()}: `;
        consoleLog.write(m.text().split('\n').map((l) => prefix + l).join('\n') + '\n');
      });
      page.on('pageerror', (e) => consoleLog.write(`${seconds(Date.now())} ${user} pageerror: ${e.message}\n`));
    }
    // Resolves true once pred() holds (checked now and after each callback), false after
    // `withinSeconds`.
    const waitUntil = (pred, withinSeconds) => new Promise((resolve) => {
      if (pred()) { resolve(true); return; }
      let timer;
      const w = () => {
        if (pred()) {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(w), 1);
          resolve(true);
        }
      };
      waiters.push(w);
      timer = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); resolve(false); }, withinSeconds * 1000);
    });
    // Resolves true once register event `event` is among the callbacks from index `from`.
    const waitFor = (event, from, withinSeconds) => waitUntil(
      () => seen.slice(from).some((e) => e.cb === 'register' && e.event === event), withinSeconds);
    const registerEvents = () => seen.filter((e) => e.cb === 'register').map((e) => e.event).join(', ');

    try {
      await page.goto(pageUrl);
      const started = await page.evaluate(([info, register]) => {
        const client = new exotelSDK.ExotelWebClient();
        window.ringstormClient = client;
        const report = (cb, event, callId, args) =>
          window.ringstormCallback(cb, event, callId || '', Date.now(), args);
        // What the app is handed with each call event, kept for the trace: the SDK passes
        // its Call object, so callId and friends are in callDetails(), not on callObj.
        const callArgs = (call, phone) => {
          let details = null;
          try { details = call && typeof call.callDetails === 'function' ? call.callDetails() : null; } catch { /* kept null */ }
          return {
            callObjKeys: call ? Object.keys(call) : [],
            details: details && {
              callId: details.callId, callSid: details.callSid, callState: details.callState,
              callDirection: details.callDirection, callStartedTime: details.callStartedTime,
              remoteDisplayName: details.remoteDisplayName, remoteId: details.remoteId,
            },
            phoneArg: phone === undefined ? null : phone,
          };
        };
        window.ringstormSdk = (method, arg) => {
          if (method === 'DoRegister' || method === 'UnRegister') { return client[method](); }
          return client.getCall()[method](arg);
        };
        const inited = client.initWebrtc(info,
          (state) => report('register', state, ''),
          (call, eventType, phone) => {
            const args = callArgs(call, phone);
            report('call', eventType, args.details ? args.details.callId : '', args);
          },
          (state) => report('session', state, ''));
        return inited && (!register || client.DoRegister());
      }, [accountInfo(o, user), o.steps === null]);
      if (!started) {
        process.stderr.write(`sdk_phone: ${user}: initWebrtc/DoRegister refused the account\n`);
        ok = false;
        return;
      }
      if (o.steps !== null) {
        const why = await runSteps(o.steps, {
          seen,
          waitUntil,
          sdk: (method, arg) => page.evaluate(([m, a]) => window.ringstormSdk(m, a), [method, arg]),
          trace: (step, result, more) => trace({ step, result, ...more }),
          mediaStats: () => page.evaluate(readMediaStats),
        });
        if (why) {
          process.stderr.write(`sdk_phone: ${user}: ${why}\n`);
          ok = false;
        }
        return;
      }
      if (o.observe !== null) {
        await sleep(o.observe * 1000);
        return;
      }
      if (!(await waitFor('registered', 0, o.registerWithin))) {
        process.stderr.write(`sdk_phone: ${user}: no 'registered' within ${o.registerWithin}s (saw: ${registerEvents() || 'nothing'})\n`);
        ok = false;
        return;
      }
      await sleep(o.hold * 1000);
      const mark = seen.length;
      await page.evaluate(() => window.ringstormClient.UnRegister());
      if (!(await waitFor('unregistered', mark, o.registerWithin))) {
        process.stderr.write(`sdk_phone: ${user}: no 'unregistered' within ${o.registerWithin}s of UnRegister()\n`);
        ok = false;
        return;
      }
      await sleep(o.settle * 1000);
    } catch (e) {
      process.stderr.write(`sdk_phone: ${user}: ${e.message}\n`);
      ok = false;
    } finally {
      await context.close().catch(() => {});
    }
  };

  await Promise.all(o.users.map(runPhone));
  await browser.close().catch(() => {});
  server.close();
  const done = [];
  if (o.events) { done.push(new Promise((r) => events.end(r))); }
  if (consoleLog) { done.push(new Promise((r) => consoleLog.end(r))); }
  if (traceLog) { done.push(new Promise((r) => traceLog.end(r))); }
  await Promise.all(done);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`sdk_phone: ${e.stack || e}\n`);
  process.exit(3);
});

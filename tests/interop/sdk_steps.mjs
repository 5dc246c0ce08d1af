// The scripted flow of sdk_phone.mjs --steps: what an app using the real Exotel web SDK does,
// one step at a time, mirroring the steps of a Ringstorm scenario (scenarios/README.md) so
// that the same flow can be run by both and their callbacks compared.
//
// A script is a comma-separated list of steps, each `name` or `name:arg[:arg]`:
//   register                DoRegister()
//   unregister              UnRegister()
//   think:S                 pause S seconds
//   expect:EVENT:S          wait (at most S s) until EVENT has been emitted since the last
//                           action step began; EVENT as in scenarios: `registered` (register
//                           events bare), `call:connected`, `session:incoming`
//   wait_call:S             wait (at most S s) for a call's `incoming` that came after the
//                           last action step (or the last wait_call) began
//   answer | hangup | hold | unhold | hold_toggle | mute | unmute
//                           getCall().Answer() / Hangup() / Hold() / UnHold() / HoldToggle()
//                           / Mute() / UnMute()
//   dtmf:D                  getCall().sendDTMF(D), one digit
//   wait_end:S              wait (at most S s) for `callEnded` of the call last waited for
//   media:S[:N]             wait (at most S s) until the call's RTCPeerConnection shows
//                           Chrome's own WebRTC stack at work with the far end: ICE
//                           connected (or completed), the selected candidate pair
//                           succeeded, DTLS connected with an SRTP cipher, and at least N
//                           (default 50: 1 s of 20 ms frames) inbound audio RTP packets
//                           decrypted; the stats read last go to the trace either way
// A step that fails (an awaited callback did not come) ends the phone's script. An SDK call
// that throws does not: the exception is recorded in the trace as the step's result.

const sdkCalls = {
  answer: 'Answer', hangup: 'Hangup', hold: 'Hold', unhold: 'UnHold',
  hold_toggle: 'HoldToggle', mute: 'Mute', unmute: 'UnMute',
};

// Parses `text`; throws an Error naming the bad step.
export function parseSteps(text) {
  const steps = [];
  for (const raw of String(text).split(',').map((s) => s.trim()).filter(Boolean)) {
    const parts = raw.split(':');
    const name = parts[0];
    const seconds = (v) => {
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isFinite(n) || n < 0) {
        throw new Error(`step '${raw}' needs a number of seconds`);
      }
      return n;
    };
    if (name === 'register' || name === 'unregister' || name in sdkCalls) {
      if (parts.length !== 1) { throw new Error(`step '${raw}' takes no argument`); }
      steps.push({ name, raw });
    } else if (name === 'think' || name === 'wait_call' || name === 'wait_end') {
      if (parts.length !== 2) { throw new Error(`step '${raw}' needs ${name}:SECONDS`); }
      steps.push({ name, raw, within: seconds(parts[1]) });
    } else if (name === 'media') {
      if (parts.length !== 2 && parts.length !== 3) {
        throw new Error(`step '${raw}' needs media:SECONDS or media:SECONDS:PACKETS`);
      }
      const packets = parts.length === 3 ? Number(parts[2]) : 50;
      if (!Number.isInteger(packets) || packets < 1) {
        throw new Error(`step '${raw}': PACKETS must be a whole number of at least 1`);
      }
      steps.push({ name, raw, within: seconds(parts[1]), packets });
    } else if (name === 'dtmf') {
      if (parts.length !== 2 || !/^[0-9A-D#*]$/.test(parts[1])) {
        throw new Error(`step '${raw}' needs dtmf:DIGIT (0-9 * # A-D)`);
      }
      steps.push({ name, raw, digit: parts[1] });
    } else if (name === 'expect') {
      // expect:registered:10 or expect:call:connected:10
      if (parts.length !== 3 && parts.length !== 4) {
        throw new Error(`step '${raw}' needs expect:EVENT:SECONDS`);
      }
      const cb = parts.length === 4 ? parts[1] : 'register';
      if (!['register', 'call', 'session'].includes(cb)) {
        throw new Error(`step '${raw}': callback '${cb}' is not register, call or session`);
      }
      steps.push({ name, raw, cb, event: parts[parts.length - 2], within: seconds(parts[parts.length - 1]) });
    } else {
      throw new Error(`unknown step '${raw}'`);
    }
  }
  if (steps.length === 0) { throw new Error('no steps'); }
  return steps;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs `steps` for one phone. `phone` gives:
//   seen                 every callback so far, in order: {cb, event, callId}
//   waitUntil(pred, s)   resolves true once pred() holds (re-checked on each callback),
//                        false after s seconds
//   sdk(method, arg)     runs `method` of the page's client (see sdk_phone.mjs) and
//                        resolves what it returned
//   trace(step, result)  records the step with its time
//   mediaStats()         resolves what the page's call RTCPeerConnection reports
//                        (sdk_phone.mjs: ICE and DTLS states, the selected pair, inbound
//                        and outbound RTP counts), null while there is none
// Resolves '' when every step ran, else why the script stopped.
export async function runSteps(steps, phone) {
  let mark = 0;       // index in `seen` where the last action step (or wait_call) began
  let callId = null;  // the call the script last waited for
  for (const step of steps) {
    switch (step.name) {
      case 'think':
        phone.trace(step.raw, 'ok');
        await sleep(step.within * 1000);
        break;
      case 'expect': {
        const from = mark;
        const ok = await phone.waitUntil(() => phone.seen.slice(from).some(
          (e) => e.cb === step.cb && e.event === step.event), step.within);
        phone.trace(step.raw, ok ? 'ok' : 'timeout');
        if (!ok) {
          return `${step.raw}: no ${step.cb} '${step.event}' within ${step.within}s `
            + `(saw since the last action: ${describe(phone.seen.slice(from))})`;
        }
        break;
      }
      case 'wait_call': {
        const from = mark;
        let found = null;
        const ok = await phone.waitUntil(() => {
          found = phone.seen.slice(from).find((e) => e.cb === 'call' && e.event === 'incoming');
          return found !== undefined;
        }, step.within);
        phone.trace(step.raw, ok ? `ok ${found.callId}` : 'timeout');
        if (!ok) { return `${step.raw}: no incoming call within ${step.within}s`; }
        callId = found.callId;
        mark = phone.seen.indexOf(found) + 1;
        break;
      }
      case 'media': {
        const deadline = Date.now() + step.within * 1000;
        let stats = null;
        let ok = false;
        for (;;) {
          stats = await phone.mediaStats();
          ok = mediaFlowing(stats, step.packets);
          if (ok || Date.now() >= deadline) { break; }
          await sleep(200);
        }
        phone.trace(step.raw, ok ? 'ok' : 'timeout', { media: stats });
        if (!ok) {
          return `${step.raw}: media not flowing within ${step.within}s `
            + `(last stats: ${JSON.stringify(stats)})`;
        }
        break;
      }
      case 'wait_end': {
        if (callId === null) { return `${step.raw}: no call waited for before`; }
        const id = callId;
        const ok = await phone.waitUntil(() => phone.seen.some(
          (e) => e.cb === 'call' && e.event === 'callEnded' && e.callId === id), step.within);
        phone.trace(step.raw, ok ? 'ok' : 'timeout');
        if (!ok) { return `${step.raw}: call ${id} did not end within ${step.within}s`; }
        break;
      }
      default: {
        // An action: what it leads to is looked for from here on.
        mark = phone.seen.length;
        let result;
        try {
          if (step.name === 'register') {
            result = await phone.sdk('DoRegister');
          } else if (step.name === 'unregister') {
            result = await phone.sdk('UnRegister');
          } else if (step.name === 'dtmf') {
            result = await phone.sdk('sendDTMF', step.digit);
          } else {
            result = await phone.sdk(sdkCalls[step.name]);
          }
        } catch (e) {
          // What an app sees too (e.g. Mute() on a call that is still ringing throws a
          // TypeError: there is no peer connection yet). Kept in the trace; the callbacks
          // that follow, or not, are what the comparison judges.
          result = `threw ${String(e.message || e).split('\n')[0]}`;
        }
        phone.trace(step.raw, result === undefined ? 'ok' : String(result));
        if (step.name === 'register' && result === false) {
          return 'register: DoRegister() refused (the SDK is not ready to register)';
        }
      }
    }
  }
  return '';
}

// True when `stats` (see mediaStats in sdk_phone.mjs) shows ICE, DTLS-SRTP and at least
// `packets` inbound audio packets.
function mediaFlowing(stats, packets) {
  return stats !== null
    && (stats.iceConnectionState === 'connected' || stats.iceConnectionState === 'completed')
    && stats.pair !== null && stats.pair.state === 'succeeded'
    && stats.dtlsState === 'connected' && Boolean(stats.srtpCipher)
    && stats.inbound !== null && stats.inbound.packetsReceived >= packets;
}

function describe(events) {
  return events.map((e) => `${e.cb}:${e.event}`).join(' ') || 'nothing';
}

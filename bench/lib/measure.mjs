// Load generation with autocannon, in this process. Latency percentiles are
// computed from every 2xx response's own timing (autocannon's 'response'
// event), so p95 is exact; autocannon's own histogram reports p97.5/p99 but
// no p95, and its figures are kept alongside for comparison.
import fs from 'node:fs';
import autocannon from 'autocannon';
import { percentile, round2 } from './report.mjs';

/**
 * @typedef {object} RouteRequest
 * @property {string} path
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {(req: Record<string, unknown>) => Record<string, unknown>} [setupRequest]
 *   called before every send; may return the request with another path (varying queries)
 */

/**
 * @typedef {object} Measurement
 * @property {string} title
 * @property {string} method
 * @property {string} path
 * @property {number} connections
 * @property {number} durationS        wall time of the measured run (s)
 * @property {number} rps              mean of autocannon's per-second samples of completed requests
 * @property {number} okPerSecond      2xx responses / wall time
 * @property {number} requests         completed requests in the measured run
 * @property {number} ok               2xx responses
 * @property {number} errors           connection errors
 * @property {number} timeouts
 * @property {number} non2xx
 * @property {Record<string, number>} statusCodes
 * @property {{ mean: number, p50: number, p95: number, p99: number, max: number,
 *              p95WithUnanswered?: number, p99WithUnanswered?: number,
 *              autocannon: { p50: number, p97_5: number, p99: number, mean: number } }} latencyMs
 *   p50…max: of the 2xx responses received. p95/p99WithUnanswered (duration runs): the same
 *   over the answered requests and the unanswered ones (their age so far: a lower bound)
 * @property {{ count: number, neverAnsweredConnections: number, oldestMs: number } | undefined} [unanswered]
 *   duration runs: the requests still waiting for an answer when the run stopped (one per
 *   connection), connections that got no answer at all, and the oldest such request's age
 * @property {number} warmupOk         2xx responses during the warm-up (not measured)
 * @property {number | undefined} serverCpuUsPerRequest  server CPU time (all threads) per completed request, µs
 *   (with `settle`: until the server is idle again, per completed request plus one in flight per connection)
 * @property {number | undefined} serverCpuCores         server CPU time / wall time (1 = one core busy throughout)
 * @property {boolean} valid           no errors, no timeouts, no non-2xx
 * @property {{ afterWarmupMs: number, afterRunMs: number } | undefined} [settle]
 *   with `settle`: how long the server stayed busy with requests abandoned at the end of
 *   the warm-up and of the run (autocannon closes its connections; the server still answers them)
 */

/**
 * CPU time (user + system, all threads) a process has used, in ms, from
 * /proc/<pid>/stat; undefined where there is no /proc. Clock ticks are
 * assumed to be 100 per second (the Linux default).
 *
 * @param {number | undefined} pid
 * @returns {number | undefined}
 */
export function processCpuMs(pid) {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a server process is (nearly) idle: its CPU time grows by less
 * than `busyBelow` of the wall time over an interval. When autocannon stops,
 * it closes its connections, but a server that is behind still works off the
 * requests it has read; for a slow route that backlog would otherwise run into
 * the next measurement. Returns how long it waited (ms); gives up after `maxMs`.
 *
 * @param {number | undefined} pid
 * @param {{ intervalMs?: number, busyBelow?: number, maxMs?: number }} [o]
 * @returns {Promise<number>}
 */
export async function waitUntilIdle(
  pid,
  { intervalMs = 250, busyBelow = 0.2, maxMs = 60_000 } = {},
) {
  const start = Date.now();
  let before = processCpuMs(pid);
  if (before === undefined) return 0;
  while (Date.now() - start < maxMs) {
    await sleep(intervalMs);
    const now = processCpuMs(pid);
    if (now === undefined) break;
    if (now - before < intervalMs * busyBelow) break;
    before = now;
  }
  return Date.now() - start;
}

/**
 * @param {autocannon.Options} opts
 * @param {(status: number, ms: number, client: object) => void} [onResponse]
 * @returns {Promise<autocannon.Result>}
 */
function fire(opts, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) {
      instance.on('response', (client, statusCode, _bytes, responseTime) =>
        onResponse(statusCode, responseTime, client),
      );
    }
  });
}

/**
 * Measures one route: an optional warm-up (results discarded), then the run.
 * With `amount`, the run sends that many requests instead of running for a
 * duration (for routes with a rate limit).
 *
 * @param {object} o
 * @param {string} o.title
 * @param {string} o.url            base URL, e.g. http://127.0.0.1:3301
 * @param {RouteRequest[]} o.requests  cycled through by each connection
 * @param {Record<string, string>} [o.headers]  sent with every request
 * @param {number} [o.connections]
 * @param {number} [o.duration]     seconds
 * @param {number} [o.warmup]       seconds; 0 for none
 * @param {number} [o.amount]       number of requests instead of a duration
 * @param {number} [o.pid]          the server's process id, to report its CPU time per request
 * @param {boolean} [o.settle]      wait (with `pid`) until the server is idle after the warm-up and after the run
 * @param {number} [o.timeout]      seconds autocannon waits for an answer (30; longer for requests that take that long)
 * @returns {Promise<Measurement>}
 */
export async function measureRoute({
  title,
  url,
  requests,
  headers = {},
  connections = 64,
  duration = 10,
  warmup = 2,
  amount,
  pid,
  settle = false,
  timeout = 30,
}) {
  const first = /** @type {RouteRequest} */ (requests[0]);
  /** @type {autocannon.Options} */
  const base = {
    url,
    connections,
    pipelining: 1,
    headers,
    requests: /** @type {autocannon.Request[]} */ (requests),
    timeout,
  };
  let warmupOk = 0;
  if (warmup > 0 && amount === undefined) {
    warmupOk = (await fire({ ...base, duration: warmup }))['2xx'];
  }
  const afterWarmupMs = settle ? await waitUntilIdle(pid) : 0;
  /** @type {number[]} */
  const latencies = [];
  /** When each connection last got an answer (its next request was sent then). */
  /** @type {Map<object, number>} */
  const lastAnswer = new Map();
  const cpuBefore = processCpuMs(pid);
  const runStart = performance.now();
  const result = await fire(
    amount === undefined ? { ...base, duration } : { ...base, amount },
    (status, ms, client) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      lastAnswer.set(client, performance.now());
    },
  );
  const runEnd = performance.now();
  const cpuAfterRun = processCpuMs(pid);
  const afterRunMs = settle ? await waitUntilIdle(pid) : 0;
  // With `settle`, the CPU time counted runs until the server is idle again, so
  // it includes the requests in flight when autocannon stopped (one per
  // connection): a slow route would otherwise be charged for work it does
  // after the window on requests that are not counted.
  const cpuAfter = settle ? processCpuMs(pid) : cpuAfterRun;
  const cpuMs =
    cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  const cpuRunMs =
    cpuBefore !== undefined && cpuAfterRun !== undefined ? cpuAfterRun - cpuBefore : undefined;
  latencies.sort((a, b) => a - b);
  // A duration run stops with one request in flight on every connection.
  // Latencies of answered requests alone flatter a server that leaves some
  // connections waiting (a request that is never answered is never counted),
  // so their ages are kept too, as lower bounds of their latencies.
  /** @type {number[]} */
  let ages = [];
  if (amount === undefined) {
    ages = [...lastAnswer.values()].map((t) => runEnd - t);
    for (let i = lastAnswer.size; i < connections; i += 1) ages.push(runEnd - runStart);
  }
  const withUnanswered = [...latencies, ...ages].sort((a, b) => a - b);
  const ok = result['2xx'];
  /** @type {Record<string, number>} */
  const statusCodes = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = /** @type {{ count: number }} */ (stat).count;
  }
  const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const mean = latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1);
  const cpuRequests = settle && amount === undefined ? completed + connections : completed;
  return {
    title,
    method: first.method ?? 'GET',
    path: requests.length > 1 ? `${first.path} (and ${requests.length - 1} more)` : first.path,
    connections,
    durationS: result.duration,
    // For short fixed-amount runs there may be no whole one-second sample.
    rps: round2(
      amount === undefined && result.requests.average > 0
        ? result.requests.average
        : completed / result.duration,
    ),
    okPerSecond: round2(ok / result.duration),
    requests: completed,
    ok,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    latencyMs: {
      mean: round2(mean),
      p50: round2(percentile(latencies, 50)),
      p95: round2(percentile(latencies, 95)),
      p99: round2(percentile(latencies, 99)),
      max: round2(latencies.at(-1) ?? NaN),
      ...(ages.length > 0
        ? {
            p95WithUnanswered: round2(percentile(withUnanswered, 95)),
            p99WithUnanswered: round2(percentile(withUnanswered, 99)),
          }
        : {}),
      autocannon: {
        p50: result.latency.p50,
        p97_5: result.latency.p97_5,
        p99: result.latency.p99,
        mean: result.latency.average,
      },
    },
    warmupOk,
    serverCpuUsPerRequest:
      cpuMs !== undefined && completed > 0 ? round2((cpuMs * 1000) / cpuRequests) : undefined,
    serverCpuCores: cpuRunMs !== undefined ? round2(cpuRunMs / 1000 / result.duration) : undefined,
    valid: result.errors === 0 && result.timeouts === 0 && result.non2xx === 0 && ok > 0,
    ...(ages.length > 0
      ? {
          unanswered: {
            count: ages.length,
            neverAnsweredConnections: connections - lastAnswer.size,
            oldestMs: round2(Math.max(...ages)),
          },
        }
      : {}),
    ...(settle ? { settle: { afterWarmupMs, afterRunMs } } : {}),
  };
}

/**
 * Runs `concurrency` async workers over `count` calls of `fn` and reports
 * calls per second (for in-process baselines such as Argon2id).
 *
 * @param {() => Promise<unknown>} fn
 * @param {{ count: number, concurrency: number }} o
 * @returns {Promise<{ count: number, concurrency: number, seconds: number, perSecond: number }>}
 */
export async function throughputOf(fn, { count, concurrency }) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await fn();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { count, concurrency, seconds: round2(seconds), perSecond: round2(count / seconds) };
}

/**
 * A request list for autocannon: one request whose path is rebuilt before
 * every send (`setupRequest`), cycling through `paths` with a counter shared
 * by all connections, so that consecutive requests ask different things.
 *
 * @param {string[]} paths
 * @returns {RouteRequest[]}
 */
export function cycling(paths) {
  let next = 0;
  return [
    {
      path: /** @type {string} */ (paths[0]),
      setupRequest: (req) => {
        const p = /** @type {string} */ (paths[next % paths.length]);
        next += 1;
        return { ...req, path: p };
      },
    },
  ];
}

/**
 * One GET, one at a time, `count` times (fewer when they take more than
 * `maxSeconds`, at least 2); all must answer 200. Returns the last answer and
 * how long one request takes alone.
 *
 * @param {import('./api.mjs').ApiClient} client
 * @param {string} p
 * @param {number} count
 * @param {number} maxSeconds
 */
export async function probeGet(client, p, count, maxSeconds) {
  const deadline = performance.now() + maxSeconds * 1000;
  /** @type {number[]} */
  const ms = [];
  /** @type {{ status: number, body: any }} */
  let res = { status: 0, body: undefined };
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    if (i >= 2 && performance.now() > deadline) break;
    const t = performance.now();
    res = await client.send('GET', p, undefined, 'application/json');
    ms.push(performance.now() - t);
    if (res.status !== 200) break;
    bytes = Buffer.byteLength(JSON.stringify(res.body));
  }
  ms.sort((a, b) => a - b);
  return {
    status: res.status,
    body: res.body,
    bytes,
    aloneMs: { median: round2(percentile(ms, 50)), max: round2(ms.at(-1) ?? NaN) },
  };
}

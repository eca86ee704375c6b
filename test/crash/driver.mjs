// The people, budget and workload of the crash harness, all through the
// app's HTTP API: a certified actor's staff member creates cases and submits
// applications, a coordinator decides them (committing money) and moves money
// between budget posts, and both make audited reads. Every 2xx answer is
// recorded with the ids it returned; nothing else is trusted.
import {
  ApiClient,
  BENCH_PASSWORD,
  seedSlussa,
  setPasswordFromInvitation,
  signInComplete,
} from '../../bench/lib/api.mjs';

const DAY_MS = 86_400_000;
/** Interpreter hours at a price the actor sets (no catalogue price), under the catalogue's cap. */
const QUANTITIES = [1, 2, 3, 4];
const UNIT_COST_ORE = 65_000;

/** @param {number} ms */
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * @typedef {object} World
 * @property {ApiClient} staff        keeps its session across restarts (sessions live in the database)
 * @property {string} staffUserId
 * @property {ApiClient} coordinator
 * @property {string} coordinatorUserId
 * @property {{ id: string, code: string }} firstCase  the case the seed made
 * @property {string[]} postIds
 * @property {Record<number, number>} amountByQuantity  öre an application of that many hours comes to
 */

/**
 * Seeds a fresh server: administrator (TOTP), a certified actor with staff, a
 * coordinator (TOTP), a budget period around today whose three posts hold
 * ample funds, and the price of each application the driver will submit.
 *
 * @param {import('../../bench/lib/server.mjs').SlussaServer} server
 * @returns {Promise<World>}
 */
export async function seedWorld(server) {
  const seeded = await seedSlussa(server, { users: 2 });
  const admin = new ApiClient(server.url, server.origin);
  admin.cookie = seeded.adminCookie;
  const me = await admin.expect('GET', '/api/auth/session');
  const { items: services } = await admin.expect('GET', '/api/services');
  const now = Date.now();
  await admin.expect('PUT', `/api/organisations/${seeded.organisationId}/certification`, {
    status: 'certified',
    certifiedFrom: isoDay(now - 365 * DAY_MS),
    certifiedTo: isoDay(now + 365 * DAY_MS),
    services: services.slice(0, 2).map((/** @type {{ code: string }} */ s) => s.code),
    reason: 'Certifierad efter granskning.',
    expectedVersion: 0,
  });
  const coordinatorEmail = 'samordnare@crash.example';
  const coordinatorUser = await admin.expect(
    'POST',
    '/api/users',
    {
      email: coordinatorEmail,
      name: 'Samordnare',
      role: 'coordinator',
      organisationId: me.user.organisationId,
      locale: 'sv',
    },
    201,
  );
  await setPasswordFromInvitation(server, admin, coordinatorEmail, BENCH_PASSWORD);
  const coordinator = (
    await signInComplete(server, { email: coordinatorEmail, password: BENCH_PASSWORD })
  ).client;
  const staff = (await signInComplete(server, seeded.signInUser)).client;

  // A period around today (a crash run never reaches its edges) with funds on every post.
  const period = await coordinator.expect(
    'POST',
    '/api/budget/periods',
    {
      name: 'Budgetår för kraschprovet',
      startsOn: isoDay(now - 180 * DAY_MS),
      endsOn: isoDay(now + 180 * DAY_MS),
      fundingSources: [{ kind: 'grant', name: 'Statsbidrag', amountOre: 90_000_000_000 }],
    },
    201,
  );
  /** @type {string[]} */
  const postIds = period.posts.map((/** @type {{ id: string }} */ p) => p.id);
  for (const id of postIds)
    await coordinator.expect('PATCH', `/api/budget/posts/${id}`, {
      planAmountOre: 20_000_000_000,
    });

  // What each application will come to, as the app prices it.
  const probeCase = await staff.expect('POST', '/api/cases', caseBody(0), 201);
  /** @type {Record<number, number>} */
  const amountByQuantity = {};
  for (const q of QUANTITIES) {
    const quote = await staff.expect('POST', '/api/applications/quote', {
      ...applicationBody(probeCase.id, q),
    });
    amountByQuantity[q] = quote.breakdown.amountOre;
  }
  const staffMe = await staff.expect('GET', '/api/auth/session');
  return {
    staff,
    staffUserId: staffMe.user.id,
    coordinator,
    firstCase: probeCase,
    coordinatorUserId: coordinatorUser.id,
    postIds,
    amountByQuantity,
  };
}

/** @param {number} i */
function caseBody(i) {
  return {
    background: {
      nationality: ['NG', 'RO', 'TH', 'BG', 'VN'][i % 5],
      gender: i % 4 === 0 ? 'man' : 'woman',
      ageBand: ['18_25', '26_30', '31_35', '36_45'][i % 4],
      childrenCount: 0,
      childrenAges: [],
      childrenInHomeCountry: i % 3,
      exploitationForms: [i % 2 === 0 ? 'sexual' : 'labour'],
      exploitationCountries: ['SE'],
      policeReport: 'no',
      policeReportDate: null,
      residenceStatus: 'eu_citizen',
      housingSituation: 'protected_housing',
    },
    protectedIdentity: false,
    protectedStaffUserIds: [],
    identityNote: null,
  };
}

/** @param {string} caseId @param {number} quantity */
function applicationBody(caseId, quantity) {
  return {
    caseId,
    type: 'intervention',
    interventionCode: 'interpreter',
    quantity,
    unitCostOre: UNIT_COST_ORE,
    justification: 'Tolk vid läkarbesök och vid samtal med juristen.',
  };
}

/** After the last kill: a case, an application decided (granted), a transfer and each audited read. */
export const FINAL_ROUND = [0, 1, 2, 3, 4, 5, 6];

/**
 * What the driver knows across cycles: acknowledged cases to apply on and
 * acknowledged, undecided applications to decide. An application whose
 * decision went unanswered is not tried again (its state is unknown).
 *
 * @typedef {object} Pools
 * @property {string[]} cases
 * @property {string[]} undecided
 * @property {string[]} applications  every acknowledged application (for audited reads)
 */

/** @returns {Pools} */
export const emptyPools = () => ({ cases: [], undecided: [], applications: [] });

/**
 * @typedef {object} CycleStats
 * @property {number} sent
 * @property {number} acked
 * @property {number} refused     4xx answers (e.g. a decision that lost a race)
 * @property {number} serverErrors 5xx answers
 * @property {number} unanswered  requests the kill cut off
 * @property {string[]} notes     the first few refusals and server errors
 */

/**
 * Runs `clients` concurrent loops of requests until `stop` resolves, then
 * waits for every loop to end (requests in flight fail when the process dies).
 *
 * @param {object} o
 * @param {World} o.world
 * @param {import('./checks.mjs').Acked} o.acked
 * @param {Pools} o.pools
 * @param {number} o.clients
 * @param {() => number} o.rnd  the cycle's seeded choices
 * @param {number} o.cycle
 * @param {Promise<void>} o.stop
 * @param {number[]} [o.script]  instead of loops until stopped: these operations (by index), one after another
 * @returns {Promise<CycleStats>}
 */
export async function drive({ world, acked, pools, clients, rnd, cycle, stop, script }) {
  /** @type {CycleStats} */
  const stats = { sent: 0, acked: 0, refused: 0, serverErrors: 0, unanswered: 0, notes: [] };
  let stopped = false;
  void stop.then(() => (stopped = true));
  const pick = (/** @type {readonly any[]} */ xs) => xs[Math.floor(rnd() * xs.length)];
  /** @param {string} key */
  const read = (key) => {
    const r = acked.reads.get(key) ?? { count: 0, cycle };
    r.count += 1;
    r.cycle = cycle;
    acked.reads.set(key, r);
  };

  /**
   * One request; the answer when it was 2xx, else undefined.
   *
   * @param {ApiClient} c
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  const send = async (c, method, path, body) => {
    stats.sent += 1;
    let res;
    try {
      res = await c.request(method, path, body);
    } catch {
      stats.unanswered += 1;
      return undefined;
    }
    if (res.status >= 200 && res.status < 300) {
      stats.acked += 1;
      return res;
    }
    if (res.status >= 500) stats.serverErrors += 1;
    else stats.refused += 1;
    if (stats.notes.length < 5)
      stats.notes.push(
        `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
      );
    if (res.status === 401) throw new Error(`the session ended: ${method} ${path} → 401`);
    return undefined;
  };

  /** The operations and their weights; each records what it got acknowledged (FINAL_ROUND names them by index). */
  const ops =
    /** @type {Array<[number, (staff: ApiClient, coordinator: ApiClient) => Promise<void>]>} */ ([
      [
        15,
        async (staff) => {
          const res = await send(staff, 'POST', '/api/cases', caseBody(Math.floor(rnd() * 1000)));
          if (!res) return;
          acked.cases.set(res.body.id, { code: res.body.code, cycle });
          pools.cases.push(res.body.id);
        },
      ],
      [
        25,
        async (staff) => {
          if (pools.cases.length === 0) return;
          const caseId = pick(pools.cases);
          const q = pick(QUANTITIES);
          const res = await send(staff, 'POST', '/api/applications', applicationBody(caseId, q));
          if (!res) return;
          acked.applications.set(res.body.id, {
            caseId,
            amountOre: /** @type {number} */ (world.amountByQuantity[q]),
            cycle,
          });
          pools.undecided.push(res.body.id);
          pools.applications.push(res.body.id);
        },
      ],
      [
        25,
        async (_staff, coordinator) => {
          if (pools.undecided.length === 0) return;
          // Taken out before the request: no two loops decide the same application.
          const i = Math.floor(rnd() * pools.undecided.length);
          const [applicationId] = pools.undecided.splice(i, 1);
          // A scripted round grants: the self-test needs a decision that commits money.
          const denied = !script && rnd() < 0.15;
          const res = await send(
            coordinator,
            'POST',
            `/api/applications/${applicationId}/decisions`,
            {
              expectedVersion: 1,
              outcome: denied ? 'denied' : 'granted',
              grounds: [denied ? 'actor_responsibility' : 'meets_criteria'],
              rationale: denied
                ? 'Kostnaden är aktörens eget ansvar.'
                : 'Ansökan uppfyller programmets kriterier.',
            },
          );
          if (!res) return;
          const latest = [...res.body.decisions].sort(
            (/** @type {any} */ a, /** @type {any} */ b) => b.sequence - a.sequence,
          )[0];
          acked.decisions.set(latest.id, {
            applicationId: /** @type {string} */ (applicationId),
            outcome: latest.outcome,
            grantedAmountOre: latest.grantedAmountOre,
            cycle,
          });
        },
      ],
      [
        15,
        async (_staff, coordinator) => {
          const from = pick(world.postIds);
          const to = pick(world.postIds.filter((p) => p !== from));
          const amountOre = 1 + Math.floor(rnd() * 50_000);
          const res = await send(coordinator, 'POST', '/api/budget/transfers', {
            fromPostId: from,
            toPostId: to,
            amountOre,
            reason: 'Omfördelning mellan posterna.',
          });
          if (!res) return;
          acked.transfers.set(res.body.id, { fromPostId: from, toPostId: to, amountOre, cycle });
        },
      ],
      [
        10,
        async (staff) => {
          if (pools.cases.length === 0) return;
          const id = pick(pools.cases);
          if (await send(staff, 'GET', `/api/cases/${id}`))
            read(`case.read|${id}|${world.staffUserId}`);
        },
      ],
      [
        5,
        async (staff) => {
          if (await send(staff, 'GET', '/api/cases')) read(`case.listed||${world.staffUserId}`);
        },
      ],
      [
        10,
        async (_staff, coordinator) => {
          if (pools.applications.length === 0) return;
          const id = pick(pools.applications);
          if (await send(coordinator, 'GET', `/api/applications/${id}`))
            read(`application.read|${id}|${world.coordinatorUserId}`);
        },
      ],
    ]);
  const totalWeight = ops.reduce((s, [w]) => s + w, 0);
  const choose = () => {
    let x = rnd() * totalWeight;
    for (const [w, op] of ops) {
      x -= w;
      if (x < 0) return op;
    }
    return /** @type {(typeof ops)[number][1]} */ (ops[0]?.[1]);
  };

  if (script) {
    for (const i of script) await ops[i]?.[1](world.staff, world.coordinator);
    return stats;
  }
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!stopped) {
        const before = stats.sent;
        await choose()(world.staff, world.coordinator);
        // An operation with nothing to work on sent nothing: let timers (the stop) run.
        if (stats.sent === before) await new Promise((r) => setImmediate(r));
      }
    }),
  );
  return stats;
}

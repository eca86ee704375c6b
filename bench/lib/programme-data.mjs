// A fictional support programme (domain.md §3) written straight into a
// stopped server's SQLite file: cases, applications, decisions, the dialogue
// of information requests, case notes and ownership changes. Seeding 100,000
// cases and 500,000 applications through the API would take far longer than
// the benchmark itself, so the rows are inserted with better-sqlite3 in a few
// big transactions with prepared statements. They are still the server's own
// rows:
//
// - amounts, days, unit prices and rule warnings come from the server's own
//   rule functions (dist/server/modules/applications/applications.rules.js:
//   checkShape, computeBreakdown, ruleWarnings, amountForDays) with the rate
//   schedule and intervention catalogue read from the database;
// - case codes come from formatCaseCode (dist/server/modules/cases/cases.service.js);
// - every encrypted column holds real ciphertext from the server's field
//   cipher (createFieldCrypto in dist/server/core/crypto.js, opened on this
//   database with the data folder's master key), so detail reads decrypt;
// - identifiers are UUID v7 stamped with the row's own time, as the server's are;
// - foreign keys are enforced while inserting.
//
// The data are deterministic (a seeded PRNG) apart from identifiers and
// ciphertext. The history is not given audit events: the audit trail is
// append-only and hash-chained, and forging a past for it would prove nothing.
import { randomFillSync } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { prng } from './directory-data.mjs';
import { DIST_DIR } from './server.mjs';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** @param {string} rel  a module under dist/server */
const dist = (rel) => import(pathToFileURL(path.join(DIST_DIR, 'server', rel)).href);

/* ---------- small helpers ---------- */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const idPool = Buffer.alloc(16_384);
let idOffset = idPool.length;

/**
 * A UUID v7 for an instant in the past (the uuid package's v7 with `msecs`
 * costs about 5 µs; this costs well under 1 µs). 48-bit millisecond time,
 * version 7, RFC 4122 variant, 74 random bits.
 *
 * @param {number} ms
 */
export function uuidv7At(ms) {
  if (idOffset + 10 > idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const b = idPool;
  const o = idOffset;
  idOffset += 10;
  const ts = Math.floor(ms).toString(16).padStart(12, '0');
  const r = (/** @type {number} */ i) => HEX[/** @type {number} */ (b[o + i])];
  return (
    `${ts.slice(0, 8)}-${ts.slice(8, 12)}-` +
    `${HEX[/** @type {number} */ (b[o] & 0x0f) | 0x70]}${r(1)}-` +
    `${HEX[/** @type {number} */ (b[o + 2] & 0x3f) | 0x80]}${r(3)}-` +
    `${r(4)}${r(5)}${r(6)}${r(7)}${r(8)}${r(9)}`
  );
}

const dateFormatter = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' });
/** @type {Map<number, string>} */
const dateCache = new Map();
/**
 * The Stockholm calendar date of an instant (the server's stockholmDate).
 * Stockholm's offset is a whole number of hours, so one answer per UTC hour.
 *
 * @param {number} ms
 */
export function stockholmDate(ms) {
  const hour = Math.floor(ms / HOUR_MS);
  let d = dateCache.get(hour);
  if (d === undefined) {
    d = dateFormatter.format(new Date(hour * HOUR_MS));
    dateCache.set(hour, d);
  }
  return d;
}

/** @param {string} date YYYY-MM-DD @param {number} days */
export const addDays = (date, days) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();

/**
 * @template T
 * @param {() => number} rnd
 * @param {readonly T[]} xs
 * @returns {T}
 */
export const pick = (rnd, xs) => /** @type {T} */ (xs[Math.floor(rnd() * xs.length)]);

/**
 * @template T
 * @param {() => number} rnd
 * @param {ReadonlyArray<readonly [T, number]>} weighted
 * @returns {T}
 */
export function pickWeighted(rnd, weighted) {
  let total = 0;
  for (const [, w] of weighted) total += w;
  let x = rnd() * total;
  for (const [v, w] of weighted) {
    x -= w;
    if (x < 0) return v;
  }
  return /** @type {readonly [T, number]} */ (weighted.at(-1))[0];
}

/** @param {() => number} rnd @param {number} lo @param {number} hi  an integer in [lo, hi] */
export const between = (rnd, lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

/** Up to `n` distinct picks. @template T @param {() => number} rnd @param {ReadonlyArray<readonly [T, number]>} weighted @param {number} n @returns {T[]} */
function distinct(rnd, weighted, n) {
  /** @type {T[]} */
  const out = [];
  for (let tries = 0; out.length < n && tries < n * 6; tries += 1) {
    const v = pickWeighted(rnd, weighted);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * The server's field cipher on a stopped server's database: the active data
 * key, unwrapped with the data folder's master key (the built
 * createFieldCrypto in dist/server/core/crypto.js).
 *
 * @param {string} sqlitePath
 * @param {string} dataDir  holds master.key
 * @returns {Promise<{ encrypt(s: string): string, decrypt(s: string): string }>}
 */
export async function openFieldCipher(sqlitePath, dataDir) {
  const { openDatabase } = await dist('core/db/database.js');
  const { createFieldCrypto, loadMasterKey } = await dist('core/crypto.js');
  const handle = openDatabase({ sqlitePath });
  try {
    return await createFieldCrypto(handle.db, loadMasterKey(dataDir, undefined), () => new Date());
  } finally {
    await handle.close();
  }
}

/* ---------- the mix ---------- */

/** Nationalities of persons in the programme (ISO 3166-1 alpha-2), roughly as in the pilot. */
const NATIONALITIES = /** @type {const} */ ([
  ['NG', 18],
  ['RO', 14],
  ['BG', 7],
  ['TH', 6],
  ['VN', 5],
  ['UA', 5],
  ['AL', 4],
  ['MA', 4],
  ['SE', 4],
  ['CN', 3],
  ['ER', 3],
  ['SO', 3],
  ['AF', 3],
  ['PL', 3],
  ['LV', 2],
  ['HU', 2],
  ['GH', 2],
  ['UG', 2],
  ['KE', 2],
  ['SY', 2],
  ['IQ', 2],
  ['BR', 1],
  ['PH', 1],
  ['MN', 1],
]);
const EXPLOITATION_COUNTRIES = /** @type {const} */ ([
  ['SE', 40],
  ['IT', 12],
  ['ES', 8],
  ['DE', 7],
  ['FR', 5],
  ['GR', 5],
  ['NG', 5],
  ['RO', 5],
  ['LY', 4],
  ['DK', 3],
  ['NO', 3],
  ['NL', 3],
  ['TR', 2],
  ['TH', 2],
  ['BG', 2],
  ['PL', 2],
]);
const GENDERS = /** @type {const} */ ([
  ['woman', 68],
  ['man', 26],
  ['non_binary_other', 2],
  ['unknown', 4],
]);
const AGE_BANDS = /** @type {const} */ ([
  ['under_18', 8],
  ['18_25', 30],
  ['26_30', 22],
  ['31_35', 16],
  ['36_45', 16],
  ['46_plus', 8],
]);
const FORMS = /** @type {const} */ ([
  ['sexual', 55],
  ['labour', 25],
  ['forced_criminality', 8],
  ['begging', 8],
  ['organ_removal', 0.3],
  ['other', 4],
]);
const POLICE = /** @type {const} */ ([
  ['no', 55],
  ['yes', 30],
  ['unknown', 15],
]);
const RESIDENCE = /** @type {const} */ ([
  ['asylum_seeker', 30],
  ['undocumented', 22],
  ['eu_citizen', 20],
  ['swedish_citizen', 3],
  ['tut', 10],
  ['permanent_permit', 8],
  ['other', 7],
]);
const HOUSING = /** @type {const} */ ([
  ['protected_housing', 40],
  ['own_accommodation', 10],
  ['migration_agency_accommodation', 15],
  ['social_services_placement', 10],
  ['with_acquaintances', 12],
  ['homeless', 6],
  ['other', 4],
  ['unknown', 3],
]);
/** Application types after the admission (the first application of every case). */
const LATER_TYPES = /** @type {const} */ ([
  ['reflection', 22],
  ['integration', 16],
  ['intervention', 52],
  ['inquiry', 10],
]);
/** Interventions applied for, with quantity and cost per unit (öre) when the catalogue sets no price. */
const INTERVENTIONS = /** @type {const} */ ([
  // code, weight, [min, max] quantity, [min, max] unit cost in SEK
  ['interpreter', 20, [1, 6], [450, 900]],
  ['therapy_session', 20, [1, 10], [800, 1200]],
  ['travel', 15, [1, 2], [300, 2500]],
  ['lawyer_hours', 12, [2, 12], [0, 0]],
  ['medical_certificate', 8, [1, 1], [500, 2500]],
  ['passport', 8, [1, 1], [600, 1600]],
  ['passport_child', 3, [1, 2], [400, 900]],
  ['tattoo_removal', 2, [1, 3], [1500, 5000]],
  ['staff_training', 4, [1, 1], [2000, 8000]],
  ['health_care', 4, [1, 1], [500, 3000]],
  ['other', 4, [1, 1], [500, 5000]],
]);

const JUSTIFICATIONS = {
  inquiry: [
    'Förfrågan inför ansökan: personen har kontaktat oss via stödlinjen och vill veta om programmet kan ge skyddat boende.',
    'Vi undrar om personen kan tas emot i programmet trots att hen nyligen kommit till Sverige.',
    'Förfrågan om möjligheterna till integrationsstöd efter avslutad reflektionsperiod.',
  ],
  admission: [
    'Personen har identifierats som utsatt för människohandel och behöver stöd och skydd. Hen vill inte polisanmäla i nuläget.',
    'Uppsökande verksamhet har mött personen; tydliga indikatorer på exploatering. Ansöker om tillträde till programmet.',
    'Hänvisad från socialtjänsten. Personen behöver trygghet och tid att överväga sina alternativ.',
  ],
  reflection: [
    'Personen behöver en reflektionsperiod i skyddat boende för att återhämta sig och fatta beslut om framtiden.',
    'Skyddat boende med stöd dygnet runt; medföljande barn behöver egen trygg miljö.',
    'Fortsatt vila och stöd under perioden; samtal med jurist och kurator planeras.',
  ],
  integration: [
    'Personen har valt att stanna i Sverige och behöver stöd under etableringen: boende, svenskundervisning och kontakt med arbetsförmedlingen.',
    'Integrationsperiod efter beviljat uppehållstillstånd; stöd med bostad och skola för barnen.',
    'Stöd under övergången till eget boende och egen försörjning.',
  ],
  intervention: [
    'Insatsen behövs för att personen ska kunna ta del av vård och rättsligt stöd.',
    'Kostnaden ryms inte i annan finansiering; offert bifogas i akten hos aktören.',
    'Nödvändig insats enligt bedömning av kurator och läkare.',
  ],
};
const RATIONALES = {
  granted: [
    'Ansökan uppfyller programmets kriterier.',
    'Beviljas i sin helhet; underlaget är fullständigt.',
  ],
  partially_granted: [
    'Beviljas delvis på grund av budgetbegränsning under perioden.',
    'Färre dagar än sökt beviljas; perioden har delvis passerat.',
  ],
  granted_with_condition: [
    'Beviljas med förbehåll: aktören återkommer med uppföljning innan perioden löper ut.',
  ],
  denied: [
    'Avslås: kostnaden faller inom en annan aktörs ansvar.',
    'Avslås: förutsättningarna för insatsen saknas enligt programmets riktlinjer.',
  ],
  information_requested: [
    'Komplettera gärna med en beskrivning av boendesituationen och planerade insatser.',
    'Vi behöver veta om ansökan om TUT har gjorts innan beslut kan fattas.',
  ],
  under_processing: ['Ärendet handläggs; vi inväntar underlag från aktören.'],
};
const ANSWERS = [
  'Komplettering: personen bor i skyddat boende och har kontakt med kurator två gånger i veckan.',
  'Ingen ansökan om TUT har gjorts; personen vill inte medverka i en förundersökning.',
];
const NOTES = [
  'Samtal med klienten om boendet; nästa möte är bokat.',
  'Kontakt med socialtjänsten angående medföljande barn.',
  'Tolk bokad till läkarbesöket.',
  'Uppföljning: klienten mår bättre och har börjat på SFI.',
  'Juristen har lämnat in överklagandet.',
];
const IDENTITY_NOTES = [
  'Identitetshandlingar förvaras i aktörens kassaskåp, pärm 4.',
  'Identitet styrkt mot pass; kopia hos aktören.',
  'Uppgifter om identitet finns hos aktörens handläggare, inte i systemet.',
];
const CONDITIONS = ['Förbehåll: uppföljning med samordnaren senast vid periodens slut.'];
const TRANSFER_REASONS = [
  'Personen har flyttat till en annan region; ärendet flyttas till aktören där.',
  'Aktören har inte längre plats i skyddat boende.',
];
const EBO = 'Migrationsverket, dagersättning (eget boende)';

/* ---------- seeding ---------- */

/**
 * @typedef {object} SeedOrganisation
 * @property {string} id
 * @property {string} name
 * @property {number} share      relative share of the cases it owns
 * @property {string[]} staffIds  actor_staff users (the first of the largest is the benchmark's)
 */

/**
 * @typedef {object} ProgrammeSeed
 * @property {Record<string, number>} rows          rows inserted per table
 * @property {number} seconds                       wall time of the whole seed (cipher set-up, generation, inserts, checkpoint)
 * @property {number} rowsPerSecond
 * @property {number} encryptions                   values encrypted with the server's field cipher
 * @property {Record<string, number>} applicationsByStatus
 * @property {Record<string, number>} applicationsByType
 * @property {Record<string, number>} decisionsByOutcome
 * @property {Record<string, number>} casesByOrganisation
 * @property {number} protectedCases
 * @property {number} queue                         applications in the coordinator's queue (submitted, under processing)
 * @property {string[]} caseSample                  case ids spread over all cases (for detail reads)
 * @property {string[]} staffCaseSample             cases the benchmark's staff user may read (of its organisation)
 * @property {string[]} writableCaseIds             unprotected cases of the benchmark's organisation (for new applications)
 * @property {string[]} applicationSample           application ids, decided and open (checked before measuring)
 * @property {number} fileBytes                     the database file's size after the seed
 */

/**
 * Seeds a stopped server's database with the programme.
 *
 * @param {object} o
 * @param {string} o.sqlitePath
 * @param {string} o.dataDir         the server's data folder (holds master.key)
 * @param {SeedOrganisation[]} o.organisations  certified NGOs owning cases (the first is the largest)
 * @param {string} o.benchStaffId    the staff user the benchmark signs in as
 * @param {string[]} o.coordinatorIds
 * @param {number} o.cases
 * @param {number} o.applications
 * @param {number} o.open            applications not yet decided (the queue and information requests)
 * @param {number} [o.seed]
 * @param {number} [o.now]
 * @param {number} [o.spanDays]      how far back the first case was opened (default eight years)
 * @param {number} [o.casesPerTransaction]
 * @param {(s: string) => void} [o.log]
 * @returns {Promise<ProgrammeSeed>}
 */
export async function seedProgramme({
  sqlitePath,
  dataDir,
  organisations,
  benchStaffId,
  coordinatorIds,
  cases: caseCount,
  applications: applicationCount,
  open: openCount,
  seed = 20160301,
  now = Date.now(),
  spanDays = 8 * 365,
  casesPerTransaction = 5000,
  log = () => undefined,
}) {
  const started = process.hrtime.bigint();
  const rules = await dist('modules/applications/applications.rules.js');
  const { formatCaseCode } = await dist('modules/cases/cases.service.js');

  const cipher = await openFieldCipher(sqlitePath, dataDir);
  let encryptions = 0;
  const enc = (/** @type {string} */ s) => {
    encryptions += 1;
    return cipher.encrypt(s);
  };

  const db = new Database(sqlitePath);
  db.pragma('journal_mode = WAL');
  // The seed is not what is measured: one fsync per transaction is enough.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -262144');

  /** @type {Record<string, number>} */
  const rows = {
    cases: 0,
    case_protected_staff: 0,
    case_ownership_changes: 0,
    case_notes: 0,
    applications: 0,
    decisions: 0,
    application_messages: 0,
  };
  /** @type {Record<string, number>} */
  const byStatus = {};
  /** @type {Record<string, number>} */
  const byType = {};
  /** @type {Record<string, number>} */
  const byOutcome = {};
  /** @type {Record<string, number>} */
  const byOrganisation = {};
  const count = (/** @type {Record<string, number>} */ m, /** @type {string} */ k) => {
    m[k] = (m[k] ?? 0) + 1;
  };

  try {
    const programme = /** @type {{ id: string, code_prefix: string, last_case_number: number }} */ (
      db.prepare('select id, code_prefix, last_case_number from programmes limit 1').get()
    );
    if (programme.last_case_number !== 0) {
      throw new Error('the programme already has cases: seed an empty programme only');
    }
    const rates = /** @type {Record<string, number> & { id: string }} */ (
      db
        .prepare(
          'select * from rate_schedules where valid_to is null order by valid_from desc limit 1',
        )
        .get()
    );
    const categories = new Map(
      /** @type {Array<{ code: string, unit_price_ore: number | null, cap_ore: number | null, responsibility: string }>} */ (
        db
          .prepare(
            'select code, unit_price_ore, cap_ore, responsibility from intervention_categories where retired_at is null',
          )
          .all()
      ).map((c) => [c.code, c]),
    );
    const groundCodes = new Set(
      /** @type {Array<{ code: string }>} */ (
        db.prepare('select code from decision_grounds').all()
      ).map((g) => g.code),
    );
    const interventions = INTERVENTIONS.filter(([code]) => categories.has(code));
    /** @type {Array<readonly [(typeof INTERVENTIONS)[number], number]>} */
    const interventionWeights = interventions.map((i) => [i, i[1]]);

    const insertCase = db.prepare(
      `insert into cases (id, programme_id, number, code, owner_organisation_id, protected_identity,
        identity_note_enc, nationality, gender, age_band, children_count, children_ages,
        children_in_home_country, exploitation_forms, exploitation_countries, police_report,
        police_report_date, residence_status, housing_situation, version, created_at, created_by, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertNamed = db.prepare(
      'insert into case_protected_staff (case_id, user_id) values (?, ?)',
    );
    const insertMove = db.prepare(
      `insert into case_ownership_changes (id, case_id, from_organisation_id, to_organisation_id, reason_enc, at, by_user_id)
       values (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertNote = db.prepare(
      `insert into case_notes (id, case_id, body_enc, organisation_id, created_at, created_by)
       values (?, ?, ?, ?, ?, ?)`,
    );
    const insertApplication = db.prepare(
      `insert into applications (id, programme_id, case_id, organisation_id, type, status, period_from,
        period_to, days, intervention_code, quantity, unit_cost_ore, children_count, protection_24h,
        deductions_ore, deductions_by, amount_ore, rate_schedule_id, justification_enc, warnings,
        submitted_date, submitted_at, submitted_by, queued_at, current_decision_id, decided_at, version)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertDecision = db.prepare(
      `insert into decisions (id, application_id, sequence, outcome, grounds, rationale_enc, granted_days,
        granted_quantity, granted_amount_ore, condition_enc, condition_ends_on, supersedes_id,
        approval_status, decided_at, decided_by, approved_at, approved_by, approval_comment_enc)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'final', ?, ?, null, null, null)`,
    );
    const insertMessage = db.prepare(
      `insert into application_messages (id, application_id, kind, body_enc, at, by_user_id)
       values (?, ?, ?, ?, ?, ?)`,
    );

    /* Phase 1: when every case was opened and every application submitted. */
    const rnd = prng(seed);
    const spanStart = now - spanDays * DAY_MS;
    const lastSubmit = now - 5 * 60_000;
    const caseless = Math.min(applicationCount, Math.round(applicationCount * 0.01));
    const onCases = applicationCount - caseless;
    const perCase = new Int32Array(caseCount);
    for (let i = 0; i < caseCount && i < onCases; i += 1) perCase[i] = 1;
    for (let k = caseCount; k < onCases; k += 1) {
      const c = Math.floor(rnd() * caseCount);
      perCase[c] = /** @type {number} */ (perCase[c]) + 1;
    }
    const caseOpened = new Float64Array(caseCount);
    const submitted = new Float64Array(applicationCount);
    let a = 0;
    for (let i = 0; i < caseCount; i += 1) {
      const opened = spanStart + (lastSubmit - HOUR_MS - spanStart) * ((i + rnd()) / caseCount);
      caseOpened[i] = opened;
      let t = Math.min(opened + rnd() * 2 * DAY_MS, lastSubmit);
      for (let j = 0; j < /** @type {number} */ (perCase[i]); j += 1) {
        if (j > 0) {
          const next = t + (-Math.log(1 - rnd()) * 45 + 1) * DAY_MS;
          t = next < lastSubmit ? next : t + rnd() * (lastSubmit - t);
        }
        submitted[a] = t;
        a += 1;
      }
    }
    for (; a < applicationCount; a += 1) {
      submitted[a] = spanStart + rnd() * (lastSubmit - spanStart);
    }
    // The most recent `open` applications are still with the coordinator (or the actor).
    const sorted = Float64Array.from(submitted).sort();
    const openFrom =
      openCount <= 0
        ? Infinity
        : /** @type {number} */ (sorted[Math.max(0, applicationCount - openCount)]);

    /* Phase 2: the rows. */
    const weightedOrgs = organisations.map((o) => /** @type {const} */ ([o, o.share]));
    const big = /** @type {SeedOrganisation} */ (organisations[0]);
    /** @type {string[]} */
    const caseSampleAll = [];
    /** @type {string[]} */
    const staffReadable = [];
    /** @type {string[]} */
    const writable = [];
    /** @type {string[]} */
    const applicationSample = [];
    let protectedCases = 0;
    let queue = 0;
    const coordinator = () => pick(rnd, coordinatorIds);

    /**
     * One application with its decisions and messages.
     *
     * @param {object} p
     * @param {number} p.at                   submitted (ms)
     * @param {string | null} p.caseId
     * @param {Record<string, any> | null} p.c  the case's background (null for an inquiry without a case)
     * @param {SeedOrganisation} p.org
     * @param {string} p.type
     * @param {{ reflectionEnd: string | null, reflectionDays: number }} p.history  the case's earlier reflections
     */
    const application = ({ at, caseId, c, org, type, history }) => {
      const submittedDate = stockholmDate(at);
      const id = uuidv7At(at);
      /** @type {Record<string, any>} */
      const input = {
        caseId,
        type,
        periodFrom: null,
        periodTo: null,
        interventionCode: null,
        quantity: null,
        unitCostOre: null,
        childrenCount: 0,
        protection24h: false,
        deductionsOre: 0,
        deductionsBy: null,
        justification: '',
      };
      /** @type {any} */
      let category;
      if (type === 'reflection' || type === 'integration') {
        const retro = rnd() < 0.06;
        let from = addDays(submittedDate, retro ? -between(rnd, 1, 10) : between(rnd, 0, 7));
        if (type === 'reflection' && history.reflectionEnd && from <= history.reflectionEnd)
          from = addDays(history.reflectionEnd, 1);
        const days =
          type === 'reflection'
            ? rnd() < 0.7
              ? 30
              : between(rnd, 10, 29)
            : rnd() < 0.6
              ? 90
              : between(rnd, 30, 89);
        input.periodFrom = from;
        input.periodTo = addDays(from, days - 1);
        input.childrenCount = c?.childrenCount ?? 0;
        input.protection24h = type === 'reflection' && rnd() < 0.3;
        if (c?.residenceStatus === 'asylum_seeker' && rnd() < 0.3) {
          input.deductionsOre = days * 2400;
          input.deductionsBy = EBO;
        }
      } else if (type === 'intervention') {
        const [code, , [qLo, qHi], [cLo, cHi]] = pickWeighted(rnd, interventionWeights);
        category = categories.get(code);
        input.interventionCode = code;
        input.quantity = between(rnd, qLo, qHi);
        if (category.unit_price_ore === null) input.unitCostOre = between(rnd, cLo, cHi) * 100;
      }
      input.justification = pick(
        rnd,
        JUSTIFICATIONS[/** @type {keyof typeof JUSTIFICATIONS} */ (type)],
      );
      // The server's own rules: the shape per type, the amount, the warnings.
      rules.checkShape(input, category);
      const periodType = type === 'reflection' || type === 'integration';
      const breakdown = rules.computeBreakdown(input, periodType ? rates : undefined, category);
      const warnings = rules.ruleWarnings({
        type,
        periodFrom: input.periodFrom,
        days: breakdown.days,
        amountOre: breakdown.amountOre,
        submittedDate,
        policeReport: c?.policeReport ?? null,
        policeReportDate: c?.policeReportDate ?? null,
        residenceStatus: c?.residenceStatus ?? null,
        otherReflectionDays: history.reflectionDays,
        category,
      });
      const applied = breakdown.amountOre;
      const app = {
        type,
        days: breakdown.days,
        amount_ore: applied,
        deductions_ore: input.deductionsOre,
        children_count: input.childrenCount,
        protection_24h: input.protection24h ? 1 : 0,
      };
      const submitter = pick(rnd, org.staffIds);
      let status = 'decided';
      let version = 1;
      let queuedAt = at;
      /** @type {string | null} */
      let currentDecision = null;
      /** @type {number | null} */
      let decidedAt = null;
      /** @type {Array<() => void>} after the application row (foreign keys) */
      const after = [];
      let sequence = 0;
      /**
       * @param {number} when
       * @param {string} outcome
       * @param {string[]} grounds
       * @param {{ days: number | null, quantity: number | null, amount: number }} figures
       * @param {string | null} [supersedes]
       */
      const decision = (when, outcome, grounds, figures, supersedes = null) => {
        const did = uuidv7At(when);
        sequence += 1;
        version += 1;
        const final = outcome !== 'information_requested' && outcome !== 'under_processing';
        const by = coordinator();
        const rationale = pick(rnd, RATIONALES[/** @type {keyof typeof RATIONALES} */ (outcome)]);
        for (const g of grounds) if (!groundCodes.has(g)) throw new Error(`unknown ground ${g}`);
        const seq = sequence;
        const conditional = outcome === 'granted_with_condition';
        after.push(() => {
          insertDecision.run(
            did,
            id,
            seq,
            outcome,
            JSON.stringify(grounds),
            enc(rationale),
            final ? figures.days : null,
            final ? figures.quantity : null,
            outcome === 'denied' ? 0 : figures.amount,
            conditional ? enc(pick(rnd, CONDITIONS)) : null,
            conditional ? addDays(stockholmDate(when), 60) : null,
            supersedes,
            iso(when),
            by,
          );
          rows.decisions = /** @type {number} */ (rows.decisions) + 1;
          if (outcome === 'information_requested') {
            insertMessage.run(uuidv7At(when), id, 'question', enc(rationale), iso(when), by);
            rows.application_messages = /** @type {number} */ (rows.application_messages) + 1;
          }
        });
        count(byOutcome, outcome);
        return did;
      };
      const noFigures = () => ({ days: null, quantity: null, amount: 0 });

      if (at >= openFrom) {
        // Not decided yet: in the queue, being processed, or waiting for the actor.
        const r = rnd();
        const touched = at + rnd() * Math.max(0, now - 60_000 - at);
        if (r < 0.08) {
          status = 'information_requested';
          decision(touched, 'information_requested', ['information_missing'], noFigures());
        } else if (r < 0.2) {
          status = 'under_processing';
          decision(touched, 'under_processing', ['other'], noFigures());
        } else {
          status = 'submitted';
        }
      } else {
        let when = Math.min(at + (0.2 + rnd() * 14) * DAY_MS, now - 60_000);
        if (rnd() < 0.03) {
          // Information requested first, answered, back in the queue, then decided.
          const asked = Math.min(at + (0.5 + rnd() * 3) * DAY_MS, now - 3 * 60_000);
          const answered = Math.min(asked + (0.5 + rnd() * 5) * DAY_MS, now - 2 * 60_000);
          decision(asked, 'information_requested', ['information_missing'], noFigures());
          after.push(() => {
            insertMessage.run(
              uuidv7At(answered),
              id,
              'answer',
              enc(pick(rnd, ANSWERS)),
              iso(answered),
              submitter,
            );
            rows.application_messages = /** @type {number} */ (rows.application_messages) + 1;
          });
          version += 1;
          queuedAt = answered;
          when = Math.min(answered + (0.2 + rnd() * 7) * DAY_MS, now - 60_000);
        }
        // The outcome: warnings make a denial far more likely.
        const all = { days: breakdown.days, quantity: input.quantity, amount: applied };
        const mayPartial = type !== 'inquiry' && type !== 'admission' && applied > 0;
        const r = rnd();
        const pDenied = warnings.length > 0 ? 0.45 : 0.08;
        let outcome =
          r < pDenied
            ? 'denied'
            : r < pDenied + 0.12 && mayPartial
              ? 'partially_granted'
              : r < pDenied + 0.16 && type !== 'inquiry'
                ? 'granted_with_condition'
                : 'granted';
        let figures = all;
        /** @type {string[]} */
        let grounds = ['meets_criteria'];
        if (outcome === 'partially_granted') {
          figures = partial(rules, rnd, app, rates, input, applied);
          if (figures.amount >= applied) outcome = 'granted';
          else grounds = ['budget_restriction'];
        }
        if (outcome === 'denied') {
          figures = noFigures();
          const codes = new Set(warnings.map((/** @type {{ code: string }} */ w) => w.code));
          grounds = codes.has('police_report')
            ? ['police_report_tut']
            : codes.has('integration_without_prerequisite')
              ? ['no_integration_prerequisite']
              : codes.has('actor_responsibility')
                ? ['actor_responsibility']
                : codes.has('authority_responsibility')
                  ? ['authority_responsibility']
                  : codes.has('period_passed')
                    ? ['period_passed']
                    : [pick(rnd, ['information_missing', 'other'])];
        }
        let did = decision(when, outcome, grounds, figures);
        decidedAt = when;
        if (rnd() < 0.005 && when < now - 2 * DAY_MS) {
          // A correction: a new final decision supersedes the first.
          const later = Math.min(when + (1 + rnd() * 20) * DAY_MS, now - 60_000);
          const corrected = outcome === 'denied' ? 'granted' : 'denied';
          did = decision(
            later,
            corrected,
            corrected === 'denied' ? ['other'] : ['meets_criteria'],
            corrected === 'denied' ? noFigures() : all,
            did,
          );
          decidedAt = later;
        }
        currentDecision = did;
      }
      if (status === 'submitted' || status === 'under_processing') queue += 1;
      count(byStatus, status);
      count(byType, type);
      insertApplication.run(
        id,
        programme.id,
        caseId,
        org.id,
        type,
        status,
        input.periodFrom,
        input.periodTo,
        breakdown.days,
        input.interventionCode,
        input.quantity,
        breakdown.unitOre,
        input.childrenCount,
        input.protection24h ? 1 : 0,
        input.deductionsOre,
        input.deductionsBy,
        applied,
        periodType ? rates.id : null,
        enc(input.justification),
        JSON.stringify(warnings),
        submittedDate,
        iso(at),
        submitter,
        iso(queuedAt),
        currentDecision,
        decidedAt === null ? null : iso(decidedAt),
        version,
      );
      rows.applications = /** @type {number} */ (rows.applications) + 1;
      for (const f of after) f();
      if (applicationSample.length < 400 && rnd() < 0.01) applicationSample.push(id);
      else if (status !== 'decided' && applicationSample.length < 400 && rnd() < 0.02)
        applicationSample.push(id);
      // What later applications of the case are checked against.
      if (type === 'reflection' && input.periodTo) {
        history.reflectionEnd = input.periodTo;
        history.reflectionDays += breakdown.days ?? 0;
      }
    };

    /** One case with its applications, notes and any move to another actor. */
    let next = 0;
    /** @param {number} i */
    const oneCase = (i) => {
      const number = i + 1;
      const opened = /** @type {number} */ (caseOpened[i]);
      const id = uuidv7At(opened);
      const owner = pickWeighted(rnd, weightedOrgs);
      const moved = organisations.length > 1 && rnd() < 0.01;
      const from = moved
        ? pick(
            rnd,
            organisations.filter((o) => o !== owner),
          )
        : owner;
      const movedAt = opened + rnd() * Math.min(300 * DAY_MS, now - 60_000 - opened);
      const isProtected = !moved && rnd() < 0.05;
      const creator = pick(rnd, from.staffIds);
      const childrenCount = rnd() < 0.7 ? 0 : between(rnd, 1, 3);
      const ages = Array.from({ length: childrenCount }, () => between(rnd, 0, 17)).slice(
        0,
        rnd() < 0.9 ? childrenCount : Math.max(0, childrenCount - 1),
      );
      const policeReport = pickWeighted(rnd, POLICE);
      const openedDate = stockholmDate(opened);
      const c = {
        childrenCount,
        policeReport,
        policeReportDate:
          policeReport === 'yes' ? addDays(openedDate, -between(rnd, 0, 200)) : null,
        residenceStatus: pickWeighted(rnd, RESIDENCE),
      };
      const note =
        rnd() < (isProtected ? 0.7 : 0.05)
          ? enc(pick(rnd, IDENTITY_NOTES))
          : /** @type {null} */ (null);
      insertCase.run(
        id,
        programme.id,
        number,
        formatCaseCode(programme.code_prefix, number),
        owner.id,
        isProtected ? 1 : 0,
        note,
        rnd() < 0.03 ? null : pickWeighted(rnd, NATIONALITIES),
        pickWeighted(rnd, GENDERS),
        pickWeighted(rnd, AGE_BANDS),
        childrenCount,
        JSON.stringify(ages),
        rnd() < 0.8 ? 0 : between(rnd, 1, 3),
        JSON.stringify(distinct(rnd, FORMS, rnd() < 0.85 ? 1 : 2)),
        JSON.stringify(distinct(rnd, EXPLOITATION_COUNTRIES, between(rnd, 1, 3))),
        policeReport,
        c.policeReportDate,
        c.residenceStatus,
        pickWeighted(rnd, HOUSING),
        moved ? 2 : 1,
        iso(opened),
        creator,
        iso(moved ? movedAt : opened),
      );
      rows.cases = /** @type {number} */ (rows.cases) + 1;
      count(byOrganisation, owner.name);
      let staffMay = owner === big;
      if (isProtected) {
        protectedCases += 1;
        const named = [creator];
        const other = pick(rnd, owner.staffIds);
        if (rnd() < 0.5 && other !== creator) named.push(other);
        for (const u of named) insertNamed.run(id, u);
        rows.case_protected_staff =
          /** @type {number} */ (rows.case_protected_staff) + named.length;
        staffMay = staffMay && named.includes(benchStaffId);
      }
      if (moved) {
        insertMove.run(
          uuidv7At(movedAt),
          id,
          from.id,
          owner.id,
          enc(pick(rnd, TRANSFER_REASONS)),
          iso(movedAt),
          rnd() < 0.5 ? coordinator() : pick(rnd, from.staffIds),
        );
        rows.case_ownership_changes = /** @type {number} */ (rows.case_ownership_changes) + 1;
      }
      if (rnd() < 0.25) {
        const notes = between(rnd, 1, 3);
        for (let k = 0; k < notes; k += 1) {
          const at = opened + rnd() * Math.min(400 * DAY_MS, now - 60_000 - opened);
          const org = moved && at < movedAt ? from : owner;
          insertNote.run(
            uuidv7At(at),
            id,
            enc(pick(rnd, NOTES)),
            org.id,
            iso(at),
            pick(rnd, org.staffIds),
          );
          rows.case_notes = /** @type {number} */ (rows.case_notes) + 1;
        }
      }
      const history = { reflectionEnd: /** @type {string | null} */ (null), reflectionDays: 0 };
      const n = /** @type {number} */ (perCase[i]);
      for (let j = 0; j < n; j += 1) {
        const at = /** @type {number} */ (submitted[next]);
        next += 1;
        const type =
          j === 0
            ? 'admission'
            : j === 1 && rnd() < 0.7
              ? 'reflection'
              : pickWeighted(rnd, LATER_TYPES);
        application({
          at,
          caseId: id,
          c,
          org: moved && at < movedAt ? from : owner,
          type,
          history,
        });
      }
      if (caseSampleAll.length < 5000 && rnd() < 0.05) caseSampleAll.push(id);
      if (staffMay && staffReadable.length < 5000 && rnd() < 0.2) staffReadable.push(id);
      if (owner === big && !isProtected && !moved && writable.length < 20_000) writable.push(id);
    };

    const batch = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
      for (let i = from; i < to; i += 1) oneCase(i);
    });
    for (let from = 0; from < caseCount; from += casesPerTransaction) {
      batch(from, Math.min(caseCount, from + casesPerTransaction));
      if ((from / casesPerTransaction) % 4 === 3)
        log(
          `  … ${Math.min(caseCount, from + casesPerTransaction)} cases, ${rows.applications} applications`,
        );
    }
    // Inquiries made before any case exists.
    db.transaction(() => {
      for (; next < applicationCount; next += 1) {
        application({
          at: /** @type {number} */ (submitted[next]),
          caseId: null,
          c: null,
          org: pickWeighted(rnd, weightedOrgs),
          type: 'inquiry',
          history: { reflectionEnd: null, reflectionDays: 0 },
        });
      }
      db.prepare('update programmes set last_case_number = ? where id = ?').run(
        caseCount,
        programme.id,
      );
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const total = Object.values(rows).reduce((x, y) => x + y, 0);
    const fileBytes = /** @type {{ n: number }} */ (
      db
        .prepare('select page_count * page_size as n from pragma_page_count, pragma_page_size')
        .get()
    ).n;
    return {
      rows,
      seconds: Math.round(seconds * 1000) / 1000,
      rowsPerSecond: Math.round(total / seconds),
      encryptions,
      applicationsByStatus: byStatus,
      applicationsByType: byType,
      decisionsByOutcome: byOutcome,
      casesByOrganisation: byOrganisation,
      protectedCases,
      queue,
      caseSample: caseSampleAll,
      staffCaseSample: staffReadable,
      writableCaseIds: writable,
      applicationSample,
      fileBytes,
    };
  } finally {
    db.close();
  }
}

/**
 * The figures of a partial grant: fewer days (period types), fewer units, or
 * a lower amount, as the server's decide() computes them.
 *
 * @param {any} rules
 * @param {() => number} rnd
 * @param {{ type: string, days: number | null, amount_ore: number, deductions_ore: number, children_count: number, protection_24h: number }} app
 * @param {any} rates
 * @param {Record<string, any>} input
 * @param {number} applied
 * @returns {{ days: number | null, quantity: number | null, amount: number }}
 */
function partial(rules, rnd, app, rates, input, applied) {
  if ((app.type === 'reflection' || app.type === 'integration') && (app.days ?? 0) > 1) {
    const days =
      /** @type {number} */ (app.days) -
      between(rnd, 1, Math.min(9, /** @type {number} */ (app.days) - 1));
    return { days, quantity: null, amount: rules.amountForDays(app, rates, days) };
  }
  if (app.type === 'intervention' && (input.quantity ?? 0) > 1) {
    const quantity = /** @type {number} */ (input.quantity) - 1;
    const unit = input.unitCostOre ?? Math.round(applied / /** @type {number} */ (input.quantity));
    return { days: null, quantity, amount: Math.max(0, quantity * unit - app.deductions_ore) };
  }
  return {
    days: app.days,
    quantity: input.quantity ?? null,
    amount: Math.round((applied * 0.7) / 100) * 100,
  };
}

/**
 * Candidate fixes found with bench/programme-queries.mjs that are not (yet) in
 * the shipped schema; the benchmark applies them only with
 * BENCH_PROG_CANDIDATE_FIXES=1, to show what they would change. The indexes it
 * first found missing (the queue by status and age, case lists newest first,
 * a partial index for pending approvals) are now part of migration 0003.
 */
export const CANDIDATE_FIXES = [
  {
    route: 'GET /api/cases/:id',
    why: 'planner statistics; the server never runs ANALYZE',
    sql: 'PRAGMA analysis_limit = 1000; ANALYZE',
  },
];

/**
 * Applies CANDIDATE_FIXES to a stopped server's database.
 *
 * @param {string} sqlitePath
 * @returns {Array<{ sql: string, ms: number }>}
 */
export function applyCandidateFixes(sqlitePath) {
  const db = new Database(sqlitePath);
  try {
    return CANDIDATE_FIXES.map(({ sql }) => {
      const t = performance.now();
      db.exec(sql);
      return { sql, ms: Math.round(performance.now() - t) };
    });
  } finally {
    db.close();
  }
}

// The directory benchmark section (run from bench/run.mjs; BENCH_ONLY=directory
// runs it alone). See bench/README.md.
//
// Seeds a running Slussa server with a fictional directory (10,000
// organisations, 50,000 contact persons by default) through the real CSV
// import API, certifies some of the organisations the "who can help" query
// finds, and measures the directory searches with autocannon as the admin.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiClient } from './lib/api.mjs';
import {
  CONTACT_TERMS,
  ORGANISATION_TERMS,
  generateDirectory,
  toCsvFiles,
} from './lib/directory-data.mjs';
import { cycling, measureRoute } from './lib/measure.mjs';
import { envNumber, secondsSince } from './lib/report.mjs';
import { REPO_DIR } from './lib/server.mjs';

/** The filter and "who can help" queries of the issue. */
const FILTER = { county: 'M', service: 'protected_housing_men' };

export const directorySettings = () => ({
  organisations: envNumber('BENCH_DIR_ORGANISATIONS', 10_000),
  contacts: envNumber('BENCH_DIR_CONTACTS', 50_000),
  /** Rows per imported file (the import allows 20,000 rows and 5 MiB). */
  rowsPerFile: envNumber('BENCH_DIR_ROWS_PER_FILE', 10_000),
});

/** @param {string[]} xs */
const countBy = (xs) =>
  Object.fromEntries(
    [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map()).entries()].sort(
      (a, b) => b[1] - a[1],
    ),
  );
/** @param {number[]} xs */
const mean = (xs) => Math.round((xs.reduce((a, b) => a + b, 0) / (xs.length || 1)) * 100) / 100;
/** @param {number} a @param {number} b */
const perSecond = (a, b) => (b > 0 ? Math.round(a / b) : 0);

/**
 * @typedef {object} ImportFigures
 * @property {number} rows
 * @property {number} files
 * @property {number} bytes
 * @property {number} seconds        wall time of all the files' POSTs (commit mode)
 * @property {number} rowsPerSecond
 * @property {number[]} fileSeconds  each file's POST
 */

/**
 * POSTs the files one after another to the import route (commit mode).
 *
 * @param {ApiClient} admin
 * @param {'organisations' | 'contacts'} kind
 * @param {Array<{ rows: number, body: Buffer }>} files
 * @returns {Promise<ImportFigures>}
 */
async function importFiles(admin, kind, files) {
  /** @type {number[]} */
  const fileSeconds = [];
  let rows = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (const [i, f] of files.entries()) {
    const t = process.hrtime.bigint();
    const res = await admin.send(
      'POST',
      `/api/directory/import/${kind}?mode=commit`,
      f.body,
      'text/csv; charset=utf-8',
    );
    if (res.status !== 200 || res.body?.created !== f.rows) {
      throw new Error(
        `import of ${kind} file ${i + 1}/${files.length} answered ${res.status}: ` +
          JSON.stringify(res.body).slice(0, 1000),
      );
    }
    fileSeconds.push(secondsSince(t));
    rows += f.rows;
    bytes += f.body.length;
  }
  const seconds = secondsSince(start);
  return {
    rows,
    files: files.length,
    bytes,
    seconds,
    rowsPerSecond: perSecond(rows, seconds),
    fileSeconds,
  };
}

/**
 * Seeds the directory through the API.
 *
 * @param {import('./lib/server.mjs').SlussaServer} server
 * @param {string} cookie  an admin (or coordinator) session
 * @param {{ log: (s: string) => void }} o
 */
export async function seedDirectory(server, cookie, { log }) {
  const settings = directorySettings();
  const admin = new ApiClient(server.url, server.origin);
  admin.cookie = cookie;
  const csv = await import(
    pathToFileURL(path.join(REPO_DIR, 'dist/server/modules/directory/directory.csv.js')).href
  );
  const limits = {
    maxRows: Math.min(settings.rowsPerFile, csv.MAX_IMPORT_ROWS),
    // Leave room for the header and a little slack under the body limit.
    maxBytes: csv.MAX_IMPORT_BYTES - 4096,
  };
  const { items: serviceList } = await admin.expect('GET', '/api/services');
  const services = serviceList
    .filter((/** @type {{ retired: boolean }} */ s) => !s.retired)
    .map((/** @type {{ code: string }} */ s) => s.code);

  const t0 = process.hrtime.bigint();
  const data = generateDirectory({
    organisations: settings.organisations,
    contacts: settings.contacts,
    services,
  });
  const orgFiles = toCsvFiles(csv.ORGANISATION_COLUMNS, data.organisations, limits);
  const contactFiles = toCsvFiles(csv.CONTACT_COLUMNS, data.contacts, limits);
  const generateSeconds = secondsSince(t0);

  log(
    `  importing ${data.organisations.length} organisations (${orgFiles.length} file(s)) ` +
      `and ${data.contacts.length} contact persons (${contactFiles.length} files)`,
  );
  const organisations = await importFiles(admin, 'organisations', orgFiles);
  const contacts = await importFiles(admin, 'contacts', contactFiles);

  // Certify some of those the "who can help" query finds, so that its
  // ranking (certified for the service, other certified, the rest) has work.
  const t1 = process.hrtime.bigint();
  const found = await admin.expect(
    'GET',
    `/api/organisations?county=${FILTER.county}&service=${FILTER.service}&limit=500`,
  );
  const today = new Date();
  const iso = (/** @type {number} */ days) =>
    new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  /** Every sixth organisation found is left as it is. */
  const KINDS = /** @type {const} */ ([
    'certified_for_service',
    'certified_for_service',
    'certified_for_other_services',
    'applied',
    'expired',
    'none',
  ]);
  /** @type {Record<string, number>} */
  const certified = {};
  for (const [i, org] of /** @type {Array<{ id: string, services: string[] }>} */ (
    found.items
  ).entries()) {
    const kind = KINDS[i % KINDS.length] ?? 'none';
    certified[kind] = (certified[kind] ?? 0) + 1;
    if (kind === 'none') continue;
    const others = org.services.filter((s) => s !== FILTER.service);
    const dated = kind !== 'applied';
    // An expired certification: status certified, end date in the past.
    const past = kind === 'expired';
    await admin.expect('PUT', `/api/organisations/${org.id}/certification`, {
      status: dated ? 'certified' : 'applied',
      certifiedFrom: dated ? iso(past ? -1200 : -200) : null,
      certifiedTo: dated ? iso(past ? -100 : 900) : null,
      services:
        kind === 'certified_for_service'
          ? [FILTER.service, ...others.slice(0, 1)]
          : others.slice(0, 2),
      reason: 'Beslut i certifieringsnämnden (benchmark)',
      expectedVersion: 0,
    });
  }
  const certificationSeconds = secondsSince(t1);

  return {
    settings,
    generateSeconds,
    organisations,
    contacts,
    /** Rows of both kinds per second of import wall time. */
    rowsPerSecond: perSecond(
      organisations.rows + contacts.rows,
      organisations.seconds + contacts.seconds,
    ),
    certifications: { ...certified, seconds: certificationSeconds },
    mix: {
      /** Organisations per county code (the 21 counties, `national` and `abroad`). */
      counties: countBy(data.organisations.map((o) => o.county)),
      types: countBy(data.organisations.map((o) => o.type)),
      servicesPerOrganisation: mean(data.organisations.map((o) => o.services.split('|').length)),
      contactsWithRoles: data.contacts.filter((c) => c.roles).length,
    },
  };
}

/**
 * One GET of every path (before the load): checks the answers and records
 * what they hold, so the figures can be read against the work each request does.
 *
 * @param {ApiClient} admin
 * @param {string[]} paths
 */
async function probe(admin, paths) {
  /** @type {number[]} */
  const totals = [];
  /** @type {number[]} */
  const items = [];
  /** @type {number[]} */
  const bytes = [];
  for (const p of paths) {
    const res = await admin.send('GET', p, undefined, 'application/json');
    if (res.status !== 200) {
      throw new Error(`GET ${p} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    items.push(res.body.items.length);
    if (typeof res.body.total === 'number') totals.push(res.body.total);
    bytes.push(Buffer.byteLength(JSON.stringify(res.body)));
  }
  /** @param {number[]} xs */
  const range = (xs) =>
    xs.length === 0
      ? undefined
      : {
          min: Math.min(...xs),
          max: Math.max(...xs),
          mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length),
        };
  return { variants: paths.length, total: range(totals), items: range(items), bytes: range(bytes) };
}

/**
 * Measures the four directory searches.
 *
 * @param {object} o
 * @param {import('./lib/server.mjs').SlussaServer} o.server
 * @param {string} o.cookie
 * @param {{ connections: number, duration: number, warmup: number }} o.measureOpts
 * @param {(s: string) => void} o.log
 */
export async function measureDirectory({ server, cookie, measureOpts, log }) {
  const admin = new ApiClient(server.url, server.origin);
  admin.cookie = cookie;
  const headers = { cookie, origin: server.origin };
  const q = (/** @type {string} */ t) => encodeURIComponent(t);
  const queries = {
    directoryOrgSearch: {
      title: `GET /api/organisations?q=…&limit=50 (${ORGANISATION_TERMS.length} terms)`,
      paths: ORGANISATION_TERMS.map((t) => `/api/organisations?q=${q(t)}&limit=50`),
    },
    directoryOrgFilter: {
      title: `GET /api/organisations?county=${FILTER.county}&service=${FILTER.service}&limit=50`,
      paths: [`/api/organisations?county=${FILTER.county}&service=${FILTER.service}&limit=50`],
    },
    directoryWhoCanHelp: {
      title: `GET /api/organisations/who-can-help?service=${FILTER.service}&county=${FILTER.county}`,
      paths: [`/api/organisations/who-can-help?service=${FILTER.service}&county=${FILTER.county}`],
    },
    directoryContactSearch: {
      title: `GET /api/contacts?q=…&limit=50 (${CONTACT_TERMS.length} terms)`,
      paths: CONTACT_TERMS.map((t) => `/api/contacts?q=${q(t)}&limit=50`),
    },
  };

  /** @type {Record<string, import('./lib/measure.mjs').Measurement>} */
  const routes = {};
  /** @type {Record<string, unknown>} */
  const answers = {};
  for (const [key, { title, paths }] of Object.entries(queries)) {
    answers[key] = await probe(admin, paths);
    log(`· ${title}`);
    const m = await measureRoute({
      title,
      url: server.url,
      pid: server.pid,
      headers,
      requests: cycling(paths),
      settle: true,
      ...measureOpts,
    });
    routes[key] =
      paths.length > 1 ? { ...m, path: `${paths[0]} (cycling over ${paths.length} terms)` } : m;
  }
  return {
    routes,
    answers,
    terms: { organisations: ORGANISATION_TERMS, contacts: CONTACT_TERMS },
  };
}

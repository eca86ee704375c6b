// A fictional but realistic directory for benchmarks: organisations in every
// county (weighted by population), of every type, with Swedish-looking names,
// 1–4 services, languages and memberships; contact persons with roles, titles
// and periods in office. Deterministic (a seeded PRNG), so every run measures
// the same data. Written as CSV in the layouts of the directory import
// (src/server/modules/directory/directory.csv.ts).

/** The 21 counties, weighted roughly by population (thousands). */
const COUNTY_WEIGHTS = /** @type {const} */ ([
  ['AB', 2450],
  ['C', 400],
  ['D', 300],
  ['E', 470],
  ['F', 370],
  ['G', 205],
  ['H', 245],
  ['I', 61],
  ['K', 160],
  ['M', 1420],
  ['N', 345],
  ['O', 1750],
  ['S', 285],
  ['T', 310],
  ['U', 280],
  ['W', 290],
  ['X', 290],
  ['Y', 245],
  ['Z', 133],
  ['AC', 275],
  ['BD', 250],
]);
export const COUNTY_CODES = COUNTY_WEIGHTS.map(([c]) => c);

const TYPE_WEIGHTS = /** @type {const} */ ([
  ['ngo', 40],
  ['municipality', 14],
  ['authority', 10],
  ['faith', 9],
  ['company', 7],
  ['research_culture', 5],
  ['other', 5],
  ['partner_abroad', 3],
]);

const AUTHORITY_KINDS = /** @type {const} */ ([
  ['police', 'Polisen, lokalpolisområde {p}'],
  ['migration_agency', 'Migrationsverket, mottagningsenhet {p}'],
  ['social_services', 'Socialjouren {p}'],
  ['county_board', 'Länsstyrelsen, samordning {p}'],
  ['prosecution', 'Åklagarkammaren i {p}'],
  ['health_care', 'Vårdcentralen {p}'],
  ['employment_service', 'Arbetsförmedlingen {p}'],
  ['crime_victim_authority', 'Brottsoffermyndigheten, {p}'],
  ['other', 'Tullverket {p}'],
]);

/**
 * Name patterns by type; {p} is a place, {w} a word.
 * @type {Record<string, string[]>}
 */
const NAME_PATTERNS = {
  ngo: [
    'Kvinnojouren {p}',
    'Tjejjouren {p}',
    'Mansjouren {p}',
    'Brottsofferjouren {p}',
    'Föreningen Trygg Hamn {p}',
    'Stödföreningen {w} i {p}',
    'Ideella föreningen {w}, {p}',
    'Frivilligcentralen {p}',
    'Stiftelsen {w} {p}',
    'Nätverket {w} {p}',
    'Ungdomsjouren {p}',
    'Föreningen Fristad {p}',
  ],
  municipality: [
    '{p} kommun, socialtjänsten',
    '{p} kommun, individ- och familjeomsorgen',
    '{p} kommun, vuxenenheten',
    '{p} kommun, barn och unga',
    '{p} kommun, mottagningsenheten',
    '{p} kommun, stödcentrum',
  ],
  faith: [
    '{p} församling',
    'Svenska kyrkan i {p}',
    'Stadsmissionen {p}',
    'Frälsningsarmén {p}',
    'Pingstkyrkan {p}',
    'Katolska församlingen i {p}',
    'Equmeniakyrkan {p}',
  ],
  company: [
    '{p} Omsorg AB',
    'Trygghetsboendet {p} AB',
    '{p} Tolkservice AB',
    'Juristbyrån {w} i {p} AB',
    '{w} Stödcenter {p} AB',
    '{p} Behandlingshem AB',
  ],
  research_culture: [
    '{p} folkhögskola',
    'Centrum för migrationsforskning, {p}',
    'Teaterföreningen {w}, {p}',
    'Studieförbundet {w} {p}',
    'Institutet för {w}studier, {p}',
  ],
  other: [
    'Samverkansgruppen mot människohandel, {p}',
    'Projekt {w} {p}',
    'Nätverket mot människohandel {p}',
    'Regionalt resurscentrum {p}',
  ],
  partner_abroad: [
    'Asociația {w} {p}',
    'Fundația {w} {p}',
    'Foundation {w} {p}',
    'Stowarzyszenie {w} {p}',
    'Fondacija {w} {p}',
    'Fondazione {w} {p}',
  ],
};

const PLACE_ROOTS = [
  'Björk', 'Ek', 'Gran', 'Lind', 'Sjö', 'Berg', 'Ås', 'Dal', 'Holm', 'Strand', 'Sand', 'Löv',
  'Rön', 'Al', 'Asp', 'Hag', 'Mos', 'Kvarn', 'Bäck', 'Ängs', 'Ler', 'Hög', 'Ny', 'Norr',
  'Söder', 'Väster', 'Öster', 'Fur', 'Tall', 'Hassel',
]; // prettier-ignore
const PLACE_SUFFIXES = [
  'by', 'torp', 'vik', 'holm', 'dal', 'berga', 'näs', 'sund', 'fors', 'köping', 'hamn',
  'lunda', 'ås', 'stad', 'bo', 'ryd', 'målen', 'hult', 'tuna', 'mark',
]; // prettier-ignore
const WORDS = [
  'Gryning', 'Ankaret', 'Fyren', 'Ljusglimt', 'Vägen', 'Bron', 'Nystart', 'Hopp', 'Kompassen',
  'Tillflykt', 'Speranța', 'Lumina', 'Nadzieja', 'Solstrålen', 'Vändpunkt', 'Framtid',
  'Trygghet', 'Kraft', 'Gemenskap', 'Stigen', 'Oasen', 'Hamnen', 'Brobyggarna', 'Växthuset',
]; // prettier-ignore
const DISTRICTS = ['Centrum', 'Norr', 'Söder', 'Öster', 'Väster', 'Hamnen', 'Gamla stan'];
const ABROAD_COUNTRIES = /** @type {const} */ ([
  ['RO', 'ro'],
  ['BG', 'bg'],
  ['NG', 'en'],
  ['TH', 'th'],
  ['UA', 'uk'],
  ['VN', 'vi'],
  ['AL', 'sq'],
  ['PL', 'pl'],
  ['MD', 'ro'],
  ['HU', 'hu'],
]);
/** ISO 639-1 codes other than Swedish, the most frequent first. */
const LANGUAGES = [
  'en', 'ar', 'so', 'fa', 'ti', 'ru', 'uk', 'ro', 'pl', 'es', 'fr', 'bg', 'th', 'vi', 'zh',
  'de', 'fi', 'ku', 'am', 'sq', 'bs', 'tr', 'sw', 'ps', 'hu',
]; // prettier-ignore

const FIRST_NAMES = [
  'Anna', 'Maria', 'Eva', 'Karin', 'Sara', 'Lena', 'Kerstin', 'Emma', 'Ingrid', 'Malin',
  'Johanna', 'Linnéa', 'Elin', 'Ida', 'Sofia', 'Hanna', 'Marie', 'Åsa', 'Helena', 'Camilla',
  'Fatima', 'Amina', 'Leyla', 'Nour', 'Agnieszka', 'Ioana', 'Olena', 'Mariam', 'Zahra', 'Hiba',
  'Erik', 'Lars', 'Karl', 'Anders', 'Johan', 'Per', 'Nils', 'Mikael', 'Jan', 'Hans', 'Peter',
  'Fredrik', 'Daniel', 'Magnus', 'Mattias', 'Jonas', 'Oskar', 'Björn', 'Göran', 'Stefan',
  'Ahmed', 'Mohammed', 'Ali', 'Omar', 'Yusuf', 'Hassan', 'Dragan', 'Piotr', 'Andrei', 'Tomas',
]; // prettier-ignore
const SURNAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson',
  'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson',
  'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Olofsson', 'Lindström', 'Lindqvist',
  'Lindgren', 'Axelsson', 'Berg', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist',
  'Mattsson', 'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg',
  'Wallin', 'Engström', 'Eklund', 'Danielsson', 'Lundin', 'Håkansson', 'Björk', 'Bergman',
  'Gunnarsson', 'Holm', 'Wikström', 'Samuelsson', 'Isaksson', 'Fransson', 'Bergqvist',
  'Nyström', 'Holmberg', 'Arvidsson', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist',
  'Claesson', 'Åkesson', 'Ali', 'Mohamed', 'Hussein', 'Ahmadi', 'Nowak', 'Popescu',
  'Kovalenko', 'Hodžić', 'Yilmaz', 'Nguyen',
]; // prettier-ignore
const TITLES = [
  'Samordnare',
  'Kurator',
  'Verksamhetschef',
  'Socialsekreterare',
  'Jurist',
  'Handläggare',
  'Ordförande',
  'Enhetschef',
  'Projektledare',
  'Regional samordnare mot människohandel',
  'Utredare',
  'Volontärsamordnare',
  'Kommunikatör',
];
const ABOUT = [
  'Ger stöd, skydd och rådgivning till personer utsatta för människohandel och prostitution.',
  'Erbjuder skyddat boende, samtalsstöd och hjälp i kontakt med myndigheter.',
  'Arbetar uppsökande och förebyggande, i samverkan med kommun, polis och region.',
  'Stöd på flera språk; tolk kan ordnas vid behov.',
  'Samverkar med organisationer i ursprungsländerna för tryggt återvändande och återintegrering.',
  'Ideell verksamhet som drivs av anställda och volontärer, dygnet runt.',
];

/**
 * mulberry32: a small, fast, seeded PRNG (deterministic data across runs).
 *
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @template T
 * @param {() => number} rnd
 * @param {readonly T[]} xs
 * @returns {T}
 */
const pick = (rnd, xs) => /** @type {T} */ (xs[Math.floor(rnd() * xs.length)]);

/**
 * @template T
 * @param {() => number} rnd
 * @param {ReadonlyArray<readonly [T, number]>} weighted
 * @returns {T}
 */
function pickWeighted(rnd, weighted) {
  const total = weighted.reduce((a, [, w]) => a + w, 0);
  let x = rnd() * total;
  for (const [v, w] of weighted) {
    x -= w;
    if (x < 0) return v;
  }
  return /** @type {readonly [T, number]} */ (weighted.at(-1))[0];
}

/**
 * `n` distinct items of `xs`.
 *
 * @template T
 * @param {() => number} rnd
 * @param {readonly T[]} xs
 * @param {number} n
 * @returns {T[]}
 */
function sample(rnd, xs, n) {
  const copy = [...xs];
  /** @type {T[]} */
  const out = [];
  while (out.length < n && copy.length > 0) {
    out.push(/** @type {T} */ (copy.splice(Math.floor(rnd() * copy.length), 1)[0]));
  }
  return out;
}

/**
 * `n` distinct items, each drawn with probability proportional to its weight
 * among those left.
 *
 * @param {() => number} rnd
 * @param {ReadonlyArray<readonly [string, number]>} weighted
 * @param {number} n
 * @returns {string[]}
 */
function sampleWeighted(rnd, weighted, n) {
  const left = [...weighted];
  /** @type {string[]} */
  const out = [];
  while (out.length < n && left.length > 0) {
    const v = pickWeighted(rnd, left);
    out.push(v);
    left.splice(
      left.findIndex(([x]) => x === v),
      1,
    );
  }
  return out;
}

/**
 * How common each service of the initial catalogue is (relative weights):
 * counselling and helplines are everywhere, protected housing for men is
 * rare. Codes not listed (added in the app) weigh 1.
 */
const SERVICE_WEIGHTS = /** @type {Record<string, number>} */ ({
  protected_housing_women: 2,
  protected_housing_men: 1,
  protected_housing_children: 1,
  protection_24h: 1,
  legal_counsel: 3,
  therapy: 3,
  health_care: 2,
  interpreter: 3,
  return_support: 1.5,
  reintegration_abroad: 1,
  employment_education: 1.5,
  outreach: 3,
  helpline: 3,
});

/** @param {() => number} rnd @param {number} n */
const digits = (rnd, n) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');

/** ASCII slug for e-mail addresses and web addresses. */
export const slug = (/** @type {string} */ s) =>
  s
    .toLowerCase()
    .replace(/[åä]/g, 'a')
    .replace(/ö/g, 'o')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** A Swedish number in E.164 that libphonenumber accepts: mobile or Stockholm landline. */
const phoneNumber = (/** @type {() => number} */ rnd) =>
  rnd() < 0.6
    ? `+467${pick(rnd, ['0', '2', '3', '6'])}${digits(rnd, 7)}`
    : `+468${1 + Math.floor(rnd() * 8)}${digits(rnd, 6)}`;

/** @param {() => number} rnd @param {number} fromYear @param {number} toYear */
function date(rnd, fromYear, toYear) {
  const y = fromYear + Math.floor(rnd() * (toYear - fromYear + 1));
  const m = 1 + Math.floor(rnd() * 12);
  const d = 1 + Math.floor(rnd() * 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * @typedef {object} OrganisationRow  the import's columns (strings; lists joined with "|")
 * @property {string} name
 * @property {string} type
 * @property {string} authority_kind
 * @property {string} county
 * @property {string} municipality
 * @property {string} district
 * @property {string} country
 * @property {string} website
 * @property {string} phone
 * @property {string} email
 * @property {string} languages
 * @property {string} services
 * @property {string} membership
 * @property {string} membership_since
 * @property {string} about
 */

/**
 * @typedef {object} ContactRow
 * @property {string} organisation
 * @property {string} organisation_county
 * @property {string} name
 * @property {string} title
 * @property {string} email
 * @property {string} phone
 * @property {string} roles
 * @property {string} active_from
 * @property {string} active_to
 * @property {string} public
 */

/**
 * Generates the directory.
 *
 * @param {object} o
 * @param {number} o.organisations
 * @param {number} o.contacts
 * @param {string[]} o.services  service codes offered (from GET /api/services)
 * @param {number} [o.seed]
 * @param {number} [o.thisYear]
 * @returns {{ organisations: OrganisationRow[], contacts: ContactRow[] }}
 */
export function generateDirectory({
  organisations: orgCount,
  contacts: contactCount,
  services,
  seed = 20261123,
  thisYear = new Date().getFullYear(),
}) {
  const rnd = prng(seed);
  /** @type {Map<string, Set<string>>} lower-cased names taken, by county */
  const taken = new Map();
  /** @param {string} county @param {string} name */
  const claim = (county, name) => {
    const set = taken.get(county) ?? new Set();
    taken.set(county, set);
    const key = name.toLocaleLowerCase('sv');
    if (set.has(key)) return false;
    set.add(key);
    return true;
  };
  const place = () => `${pick(rnd, PLACE_ROOTS)}${pick(rnd, PLACE_SUFFIXES)}`;
  /** @type {Array<readonly [string, number]>} */
  const serviceWeights = services.map((c) => [c, SERVICE_WEIGHTS[c] ?? 1]);
  // Partners abroad work mostly on return and reintegration.
  /** @type {Array<readonly [string, number]>} */
  const abroadServiceWeights = services.map((c) => [
    c,
    c === 'reintegration_abroad' || c === 'return_support' ? 6 : (SERVICE_WEIGHTS[c] ?? 1),
  ]);

  /** @type {OrganisationRow[]} */
  const organisations = [];
  for (let i = 0; i < orgCount; i += 1) {
    const type = pickWeighted(rnd, TYPE_WEIGHTS);
    const abroad = type === 'partner_abroad' ? pick(rnd, ABROAD_COUNTRIES) : undefined;
    const county = abroad
      ? 'abroad'
      : type !== 'municipality' && rnd() < 0.02
        ? 'national'
        : pickWeighted(rnd, COUNTY_WEIGHTS);
    const authority = type === 'authority' ? pick(rnd, AUTHORITY_KINDS) : undefined;
    /** @type {readonly string[]} */
    const patterns = authority ? [authority[1]] : (NAME_PATTERNS[type] ?? ['{w} {p}']);
    let name = '';
    let municipality = '';
    for (let attempt = 0; ; attempt += 1) {
      municipality = place();
      name = pick(rnd, patterns).replace('{p}', municipality).replace('{w}', pick(rnd, WORDS));
      if (attempt >= 20) name = `${name} (${pick(rnd, DISTRICTS)} ${attempt})`;
      if (claim(county, name)) break;
    }
    const s = slug(name);
    const membership = pickWeighted(rnd, [
      ['member', 30],
      ['partner', 15],
      ['none', 55],
    ]);
    const langs = abroad ? [abroad[1], 'en'] : rnd() < 0.9 ? ['sv'] : [];
    const extra = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 3);
    for (const l of sample(rnd, LANGUAGES, extra)) if (!langs.includes(l)) langs.push(l);
    organisations.push({
      name,
      type,
      authority_kind: authority ? authority[0] : '',
      county,
      municipality: abroad ? '' : municipality,
      district: !abroad && rnd() < 0.25 ? pick(rnd, DISTRICTS) : '',
      country: abroad ? abroad[0] : '',
      website: rnd() < 0.7 ? `https://www.${s}.example` : '',
      phone: abroad ? '' : rnd() < 0.8 ? phoneNumber(rnd) : '',
      email: rnd() < 0.7 ? `info@${s}.example` : '',
      languages: langs.join('|'),
      services: sampleWeighted(
        rnd,
        abroad ? abroadServiceWeights : serviceWeights,
        1 + Math.floor(rnd() * 4),
      ).join('|'),
      membership,
      membership_since: membership !== 'none' && rnd() < 0.8 ? date(rnd, 2012, thisYear - 1) : '',
      about: rnd() < 0.5 ? pick(rnd, ABOUT) : '',
    });
  }

  /** @type {ContactRow[]} */
  const contacts = [];
  for (let i = 0; i < contactCount; i += 1) {
    const org = /** @type {OrganisationRow} */ (pick(rnd, organisations));
    const first = pick(rnd, FIRST_NAMES);
    const last =
      rnd() < 0.05 ? `${pick(rnd, SURNAMES)}-${pick(rnd, SURNAMES)}` : pick(rnd, SURNAMES);
    /** @type {string[]} */
    const roles = [];
    if (rnd() < 0.4) roles.push('trafficking_contact');
    if (rnd() < 0.1) roles.push('regional_coordinator');
    if (rnd() < 0.1) roles.push('plan_update_responsible');
    if (rnd() < 0.2) roles.push('deputy');
    const from = rnd() < 0.5 ? date(rnd, 2015, thisYear) : '';
    // Some have left office (a past end date), some have a fixed term ahead.
    const to =
      from && rnd() < 0.15
        ? date(rnd, Number(from.slice(0, 4)) + 1, Number(from.slice(0, 4)) + 4)
        : '';
    const domain = (org.website || org.email).replace(/^https:\/\/www\./, '').replace(/^info@/, '');
    contacts.push({
      organisation: org.name,
      organisation_county: org.county,
      name: `${first} ${last}`,
      title: rnd() < 0.8 ? pick(rnd, TITLES) : '',
      email: domain && rnd() < 0.85 ? `${slug(first)}.${slug(last)}@${domain}` : '',
      phone: rnd() < 0.7 ? phoneNumber(rnd) : '',
      roles: roles.join('|'),
      active_from: from,
      active_to: to,
      public: rnd() < 0.4 ? 'ja' : 'nej',
    });
  }
  return { organisations, contacts };
}

/** Search terms for organisations: common parts of the generated names and places. */
export const ORGANISATION_TERMS = [
  'jour', 'berg', 'vik', 'kyrk', 'stöd', 'dal', 'lind', 'holm', 'kommun', 'hamn', 'förening',
  'björk', 'sund', 'torp', 'fors', 'ås', 'center', 'ek', 'strand', 'tuna', 'mission', 'kvinno',
  'stiftelsen', 'fyren',
]; // prettier-ignore

/** Search terms for contact persons: fragments of names (and so of e-mail addresses). */
export const CONTACT_TERMS = [
  'anna', 'lind', 'berg', 'sson', 'karin', 'erik', 'ström', 'ahmed', 'holm', 'johan', 'nils',
  'qvist', 'maria', 'lars', 'sara', 'fatima', 'gren', 'eva', 'per', 'sjö', 'nowak', 'ali',
  'magnus', 'åsa',
]; // prettier-ignore

/** @param {string} v */
const csvCell = (v) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Rows as CSV (comma-separated, header first), split into files of at most
 * `maxRows` rows and `maxBytes` bytes each (the import's limits).
 *
 * @template {Record<string, string>} R
 * @param {readonly string[]} columns
 * @param {R[]} rows
 * @param {{ maxRows: number, maxBytes: number }} limits
 * @returns {Array<{ rows: number, body: Buffer }>}
 */
export function toCsvFiles(columns, rows, { maxRows, maxBytes }) {
  const header = `${columns.join(',')}\n`;
  /** @type {Array<{ rows: number, body: Buffer }>} */
  const files = [];
  /** @type {string[]} */
  let lines = [];
  let bytes = Buffer.byteLength(header);
  const flush = () => {
    if (lines.length === 0) return;
    files.push({ rows: lines.length, body: Buffer.from(header + lines.join('')) });
    lines = [];
    bytes = Buffer.byteLength(header);
  };
  for (const r of rows) {
    const line = `${columns.map((c) => csvCell(r[c] ?? '')).join(',')}\n`;
    const size = Buffer.byteLength(line);
    if (lines.length >= maxRows || bytes + size > maxBytes) flush();
    lines.push(line);
    bytes += size;
  }
  flush();
  return files;
}

/**
 * World regions for merging nationalities before statistics are published
 * (see `mergeCategories` in disclosure.ts).
 *
 * The base is the UN M49 standard's five regions (Africa, Americas, Asia,
 * Europe, Oceania). For Sweden two refinements make the table more useful
 * than M49 alone:
 *
 * - `sweden` on its own: Swedish citizens (domestic trafficking, children)
 *   are a group of their own in every Swedish report, and their rights do
 *   not depend on a residence permit.
 * - Europe split into `eu_eea` (the EU, the EEA states Iceland, Liechtenstein
 *   and Norway, and Switzerland, whose citizens have the same free movement)
 *   and `europe_other`: the right to stay, work and get support in Sweden is
 *   decided by that line, not by geography, and the larger share of presumed
 *   victims identified in Sweden comes from EU states. EU members that M49
 *   places elsewhere (Cyprus, in Western Asia) follow the EU line.
 *
 * Dependent territories follow M49 geography (Åland, part of Finland, is
 * EU). Their inhabitants usually hold the sovereign state's nationality, so
 * these codes rarely occur as nationalities. Antarctica (AQ) has no
 * nationals and no region. Kosovo (XK) is not in M49; it goes with its
 * neighbours in `europe_other`. Taiwan (TW) is in `asia`.
 *
 * No package already in node_modules provides M49 regions (i18n-iso-countries
 * has names only), so the table is written out here; the test checks that it
 * covers every code in the project's country list (reference.ts) exactly once.
 */
import type { CategoryMerge } from './disclosure.js';

export const WORLD_REGIONS = [
  'sweden',
  'eu_eea',
  'europe_other',
  'africa',
  'americas',
  'asia',
  'oceania',
] as const;
export type WorldRegion = (typeof WORLD_REGIONS)[number];

const MEMBERS: Record<WorldRegion, readonly string[]> = {
  sweden: ['SE'],
  // EU 27 except Sweden, Åland, the EEA (IS, LI, NO) and Switzerland.
  eu_eea: [
    'AT', 'AX', 'BE', 'BG', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
    'IE', 'IS', 'IT', 'LI', 'LT', 'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SI', 'SK',
  ],
  europe_other: [
    'AD', 'AL', 'BA', 'BY', 'FO', 'GB', 'GG', 'GI', 'IM', 'JE', 'MC', 'MD', 'ME', 'MK', 'RS', 'RU',
    'SJ', 'SM', 'UA', 'VA', 'XK',
  ],
  africa: [
    // Northern Africa
    'DZ', 'EG', 'EH', 'LY', 'MA', 'SD', 'TN',
    // Eastern Africa
    'BI', 'DJ', 'ER', 'ET', 'IO', 'KE', 'KM', 'MG', 'MU', 'MW', 'MZ', 'RE', 'RW', 'SC', 'SO', 'SS',
    'TF', 'TZ', 'UG', 'YT', 'ZM', 'ZW',
    // Middle Africa
    'AO', 'CD', 'CF', 'CG', 'CM', 'GA', 'GQ', 'ST', 'TD',
    // Southern Africa
    'BW', 'LS', 'NA', 'SZ', 'ZA',
    // Western Africa
    'BF', 'BJ', 'CI', 'CV', 'GH', 'GM', 'GN', 'GW', 'LR', 'ML', 'MR', 'NE', 'NG', 'SH', 'SL', 'SN',
    'TG',
  ],
  americas: [
    // Caribbean
    'AG', 'AI', 'AW', 'BB', 'BL', 'BQ', 'BS', 'CU', 'CW', 'DM', 'DO', 'GD', 'GP', 'HT', 'JM', 'KN',
    'KY', 'LC', 'MF', 'MQ', 'MS', 'PR', 'SX', 'TC', 'TT', 'VC', 'VG', 'VI',
    // Central America
    'BZ', 'CR', 'GT', 'HN', 'MX', 'NI', 'PA', 'SV',
    // South America
    'AR', 'BO', 'BR', 'BV', 'CL', 'CO', 'EC', 'FK', 'GF', 'GS', 'GY', 'PE', 'PY', 'SR', 'UY', 'VE',
    // Northern America
    'BM', 'CA', 'GL', 'PM', 'US',
  ],
  asia: [
    // Central Asia
    'KG', 'KZ', 'TJ', 'TM', 'UZ',
    // Eastern Asia
    'CN', 'HK', 'JP', 'KP', 'KR', 'MN', 'MO', 'TW',
    // South-eastern Asia
    'BN', 'ID', 'KH', 'LA', 'MM', 'MY', 'PH', 'SG', 'TH', 'TL', 'VN',
    // Southern Asia
    'AF', 'BD', 'BT', 'IN', 'IR', 'LK', 'MV', 'NP', 'PK',
    // Western Asia (Cyprus is with the EU above)
    'AE', 'AM', 'AZ', 'BH', 'GE', 'IL', 'IQ', 'JO', 'KW', 'LB', 'OM', 'PS', 'QA', 'SA', 'SY', 'TR',
    'YE',
  ],
  oceania: [
    // Australia and New Zealand
    'AU', 'CC', 'CX', 'HM', 'NF', 'NZ',
    // Melanesia
    'FJ', 'NC', 'PG', 'SB', 'VU',
    // Micronesia
    'FM', 'GU', 'KI', 'MH', 'MP', 'NR', 'PW', 'UM',
    // Polynesia
    'AS', 'CK', 'NU', 'PF', 'PN', 'TK', 'TO', 'TV', 'WF', 'WS',
  ],
}; // prettier-ignore

/** ISO 3166-1 alpha-2 code → world region. */
export const REGION_BY_COUNTRY: Readonly<Record<string, WorldRegion>> = Object.freeze(
  Object.fromEntries(
    WORLD_REGIONS.flatMap((region) => MEMBERS[region].map((code) => [code, region] as const)),
  ),
);

/** The region of a nationality; undefined for codes without one (AQ, `unknown`, `stateless`). */
export function regionOf(code: string): WorldRegion | undefined {
  return REGION_BY_COUNTRY[code.toUpperCase()];
}

/** The merge of a nationality dimension into world regions, for `mergeCategories`. */
export function regionMerge(dimension: string): CategoryMerge {
  return { dimension, groups: REGION_BY_COUNTRY, order: WORLD_REGIONS };
}

import type { Role } from '../server/core/access.js';
import type {
  AuthorityKind,
  ContactRole,
  County,
  OrganisationType,
  WorkingGroupPurpose,
} from '../server/core/reference.js';

/**
 * The demo data set. Every organisation, person, address and password here is
 * FICTIONAL: the organisations are modelled on the kinds of bodies in the
 * Swedish partnership against trafficking and carry "(demo)" in their names;
 * the e-mail addresses use the reserved `.example` domain, which cannot
 * receive mail.
 */
export interface DemoOrganisation {
  key: string;
  name: string;
  type: OrganisationType;
  county: County;
  authorityKind?: AuthorityKind;
  municipality?: string;
  country?: string;
  languages?: string[];
  services?: string[];
  membership?: 'member' | 'partner';
}

export interface DemoUser {
  email: string;
  name: string;
  role: Role;
  organisation: string;
  locale: 'sv' | 'en';
  /** Known demo password, printed at the end (never reuse it anywhere). */
  password: string;
}

export const DEMO_EMAIL_DOMAIN = 'demo.slussa.example';

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  { key: 'kansli', name: 'Slussa kansli (demo)', type: 'other', county: 'national' },
  {
    key: 'plattformen',
    name: 'Plattformen mot människohandel (demo)',
    type: 'ngo',
    county: 'national',
    membership: 'member',
    languages: ['sv', 'en'],
    services: ['helpline', 'outreach'],
  },
  {
    key: 'polis-syd',
    name: 'Polisen region Syd (demo)',
    type: 'authority',
    county: 'M',
    authorityKind: 'police',
    municipality: 'Malmö',
    languages: ['sv', 'en'],
  },
  {
    key: 'polis-sthlm',
    name: 'Polisen region Stockholm (demo)',
    type: 'authority',
    county: 'AB',
    authorityKind: 'police',
    municipality: 'Stockholm',
    languages: ['sv', 'en'],
  },
  {
    key: 'migrationsverket',
    name: 'Migrationsverket (demo)',
    type: 'authority',
    county: 'national',
    authorityKind: 'migration_agency',
    languages: ['sv', 'en', 'ar', 'fa'],
  },
  {
    key: 'aklagare',
    name: 'Åklagarmyndigheten, internationella kammaren (demo)',
    type: 'authority',
    county: 'O',
    authorityKind: 'prosecution',
    municipality: 'Göteborg',
  },
  {
    key: 'lst-sthlm',
    name: 'Länsstyrelsen Stockholm (demo)',
    type: 'authority',
    county: 'AB',
    authorityKind: 'county_board',
    municipality: 'Stockholm',
    services: ['return_support'],
  },
  {
    key: 'soc-malmo',
    name: 'Socialtjänsten Malmö stad (demo)',
    type: 'municipality',
    county: 'M',
    municipality: 'Malmö',
    languages: ['sv', 'ar', 'ro'],
    services: ['interpreter', 'protected_housing_children'],
  },
  {
    key: 'soc-gbg',
    name: 'Socialtjänsten Göteborgs stad, stadsdel Centrum (demo)',
    type: 'municipality',
    county: 'O',
    municipality: 'Göteborg',
    languages: ['sv', 'so'],
  },
  {
    key: 'region-skane',
    name: 'Region Skåne, vårdcentralen Gryning (demo)',
    type: 'authority',
    county: 'M',
    authorityKind: 'health_care',
    municipality: 'Malmö',
    services: ['health_care', 'therapy'],
  },
  {
    key: 'ljuset',
    name: 'Skyddat boende Ljuset (demo)',
    type: 'ngo',
    county: 'M',
    municipality: 'Malmö',
    membership: 'member',
    languages: ['sv', 'en', 'ro', 'bg'],
    services: ['protected_housing_women', 'protection_24h', 'therapy'],
  },
  {
    key: 'fristaden',
    name: 'Församlingens skyddade boende Fristaden (demo)',
    type: 'faith',
    county: 'O',
    municipality: 'Göteborg',
    membership: 'member',
    languages: ['sv', 'en', 'es'],
    services: ['protected_housing_women', 'protected_housing_men', 'legal_counsel'],
  },
  {
    key: 'ankaret',
    name: 'Stödcentrum Ankaret (demo)',
    type: 'ngo',
    county: 'AB',
    municipality: 'Stockholm',
    membership: 'member',
    languages: ['sv', 'en', 'th'],
    services: ['therapy', 'legal_counsel', 'interpreter', 'employment_education'],
  },
  {
    key: 'nya-vagar',
    name: 'Föreningen Nya vägar (demo)',
    type: 'ngo',
    county: 'E',
    municipality: 'Linköping',
    membership: 'member',
    languages: ['sv', 'en'],
    services: ['outreach', 'helpline'],
  },
  {
    key: 'speranta',
    name: 'Asociația Speranța Nouă, Rumänien (demo)',
    type: 'partner_abroad',
    county: 'abroad',
    country: 'RO',
    membership: 'partner',
    languages: ['ro', 'en'],
    services: ['return_support', 'reintegration_abroad'],
  },
  {
    key: 'institutet',
    name: 'Institutet för migrationsstudier (demo)',
    type: 'research_culture',
    county: 'C',
    municipality: 'Uppsala',
  },
];

const at = (local: string): string => `${local}@${DEMO_EMAIL_DOMAIN}`;

export const DEMO_USERS: readonly DemoUser[] = [
  {
    email: at('admin'),
    name: 'Astrid Lindqvist',
    role: 'admin',
    organisation: 'kansli',
    locale: 'sv',
    password: 'Fyrtorn-Ven-Demo-2026',
  },
  {
    email: at('samordnare'),
    name: 'Johan Bergström',
    role: 'coordinator',
    organisation: 'plattformen',
    locale: 'sv',
    password: 'Kompass-Norrsken-Demo-2026',
  },
  {
    email: at('ljuset'),
    name: 'Leila Haddad',
    role: 'actor_staff',
    organisation: 'ljuset',
    locale: 'sv',
    password: 'Lykta-Hamnen-Demo-2026',
  },
  {
    email: at('fristaden'),
    name: 'Maria Nilsson',
    role: 'actor_staff',
    organisation: 'fristaden',
    locale: 'sv',
    password: 'Klockstapel-Demo-2026',
  },
  {
    email: at('ankaret'),
    name: 'Erik Svensson',
    role: 'actor_staff',
    organisation: 'ankaret',
    locale: 'en',
    password: 'Skeppsbro-Ankare-Demo-2026',
  },
  {
    email: at('polisen.syd'),
    name: 'Karin Holm',
    role: 'authority_contact',
    organisation: 'polis-syd',
    locale: 'sv',
    password: 'Blåljus-Öresund-Demo-2026',
  },
  {
    email: at('migrationsverket'),
    name: 'Ahmed Yusuf',
    role: 'authority_contact',
    organisation: 'migrationsverket',
    locale: 'en',
    password: 'Gränsbom-Norrköping-Demo-2026',
  },
  {
    email: at('soc.malmo'),
    name: 'Sofia Ek',
    role: 'authority_contact',
    organisation: 'soc-malmo',
    locale: 'sv',
    password: 'Möllan-Trygghet-Demo-2026',
  },
  {
    email: at('lansstyrelsen'),
    name: 'Gunnar Åberg',
    role: 'authority_contact',
    organisation: 'lst-sthlm',
    locale: 'sv',
    password: 'Slottsbacken-Demo-2026',
  },
  {
    email: at('medlem'),
    name: 'Elin Forsberg',
    role: 'member',
    organisation: 'nya-vagar',
    locale: 'sv',
    password: 'Vägskäl-Björk-Demo-2026',
  },
  {
    email: at('speranta'),
    name: 'Ioana Popescu',
    role: 'member',
    organisation: 'speranta',
    locale: 'en',
    password: 'Dunărea-Bridge-Demo-2026',
  },
];

export interface DemoContact {
  organisation: string;
  name: string;
  title: string;
  email: string;
  phone: string;
  roles: ContactRole[];
}

/** Contact persons: staff of the organisations, all fictional. */
export const DEMO_CONTACTS: readonly DemoContact[] = [
  {
    organisation: 'polis-syd',
    name: 'Karin Holm',
    title: 'Gruppchef, människohandelsgruppen',
    email: at('karin.holm'),
    phone: '+46101234501',
    roles: ['trafficking_contact'],
  },
  {
    organisation: 'polis-sthlm',
    name: 'Peter Lund',
    title: 'Kriminalinspektör',
    email: at('peter.lund'),
    phone: '+46101234502',
    roles: ['trafficking_contact', 'deputy'],
  },
  {
    organisation: 'migrationsverket',
    name: 'Ahmed Yusuf',
    title: 'Handläggare',
    email: at('ahmed.yusuf'),
    phone: '+46101234503',
    roles: ['trafficking_contact'],
  },
  {
    organisation: 'lst-sthlm',
    name: 'Gunnar Åberg',
    title: 'Nationell samordnare',
    email: at('gunnar.aberg'),
    phone: '+46101234504',
    roles: ['regional_coordinator', 'plan_update_responsible'],
  },
  {
    organisation: 'soc-malmo',
    name: 'Sofia Ek',
    title: 'Socialsekreterare',
    email: at('sofia.ek'),
    phone: '+46401234505',
    roles: ['trafficking_contact'],
  },
  {
    organisation: 'soc-malmo',
    name: 'Nils Persson',
    title: 'Regional samordnare Skåne',
    email: at('nils.persson'),
    phone: '+46401234506',
    roles: ['regional_coordinator'],
  },
  {
    organisation: 'ljuset',
    name: 'Leila Haddad',
    title: 'Verksamhetsledare',
    email: at('leila.haddad'),
    phone: '+46701234507',
    roles: ['trafficking_contact'],
  },
  {
    organisation: 'fristaden',
    name: 'Maria Nilsson',
    title: 'Diakon',
    email: at('maria.nilsson'),
    phone: '+46701234508',
    roles: ['trafficking_contact', 'deputy'],
  },
  {
    organisation: 'ankaret',
    name: 'Erik Svensson',
    title: 'Kurator',
    email: at('erik.svensson'),
    phone: '+46701234509',
    roles: ['trafficking_contact'],
  },
  {
    organisation: 'speranta',
    name: 'Ioana Popescu',
    title: 'Program coordinator',
    email: at('ioana.popescu'),
    phone: '+40721234510',
    roles: ['trafficking_contact'],
  },
];

export interface DemoCertification {
  organisation: string;
  status: 'certified' | 'applied' | 'suspended';
  from: string | null;
  to: string | null;
  services: string[];
  reason: string;
}

export const DEMO_CERTIFICATIONS: readonly DemoCertification[] = [
  {
    organisation: 'ljuset',
    status: 'certified',
    from: '2026-01-01',
    to: '2027-12-31',
    services: ['protected_housing_women', 'protection_24h'],
    reason: 'Kvalitetsgranskning godkänd (demo).',
  },
  {
    organisation: 'fristaden',
    status: 'certified',
    from: '2025-02-01',
    to: '2027-01-15',
    services: ['protected_housing_women', 'protected_housing_men'],
    reason: 'Kvalitetsgranskning godkänd (demo).',
  },
  {
    organisation: 'ankaret',
    status: 'applied',
    from: null,
    to: null,
    services: ['therapy'],
    reason: 'Ansökan inkommen (demo).',
  },
];

export interface DemoWorkingGroup {
  name: string;
  purpose: WorkingGroupPurpose;
  convenor: string;
  members: string[];
}

export const DEMO_WORKING_GROUPS: readonly DemoWorkingGroup[] = [
  {
    name: 'Samordningsgruppen (demo)',
    purpose: 'coordination',
    convenor: 'plattformen',
    members: ['plattformen', 'ljuset', 'fristaden', 'ankaret'],
  },
  {
    name: 'Slussa vidare / stöd (demo)',
    purpose: 'refer_onwards_support',
    convenor: 'ljuset',
    members: ['ljuset', 'fristaden', 'ankaret', 'nya-vagar'],
  },
  {
    name: 'Barnperspektivet (demo)',
    purpose: 'child_perspective',
    convenor: 'fristaden',
    members: ['fristaden', 'nya-vagar'],
  },
];

import type { Role } from '../server/core/access.js';
import type { County, OrganisationType } from '../server/core/reference.js';

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
  },
  { key: 'polis-syd', name: 'Polisen region Syd (demo)', type: 'authority', county: 'M' },
  {
    key: 'polis-sthlm',
    name: 'Polisen region Stockholm (demo)',
    type: 'authority',
    county: 'AB',
  },
  {
    key: 'migrationsverket',
    name: 'Migrationsverket (demo)',
    type: 'authority',
    county: 'national',
  },
  {
    key: 'aklagare',
    name: 'Åklagarmyndigheten, internationella kammaren (demo)',
    type: 'authority',
    county: 'O',
  },
  {
    key: 'lst-sthlm',
    name: 'Länsstyrelsen Stockholm (demo)',
    type: 'authority',
    county: 'AB',
  },
  {
    key: 'soc-malmo',
    name: 'Socialtjänsten Malmö stad (demo)',
    type: 'municipality',
    county: 'M',
  },
  {
    key: 'soc-gbg',
    name: 'Socialtjänsten Göteborgs stad, stadsdel Centrum (demo)',
    type: 'municipality',
    county: 'O',
  },
  {
    key: 'region-skane',
    name: 'Region Skåne, vårdcentralen Gryning (demo)',
    type: 'authority',
    county: 'M',
  },
  { key: 'ljuset', name: 'Skyddat boende Ljuset (demo)', type: 'ngo', county: 'M' },
  {
    key: 'fristaden',
    name: 'Församlingens skyddade boende Fristaden (demo)',
    type: 'ngo',
    county: 'O',
  },
  { key: 'ankaret', name: 'Stödcentrum Ankaret (demo)', type: 'ngo', county: 'AB' },
  { key: 'nya-vagar', name: 'Föreningen Nya vägar (demo)', type: 'ngo', county: 'E' },
  {
    key: 'speranta',
    name: 'Asociația Speranța Nouă, Rumänien (demo)',
    type: 'other',
    county: 'abroad',
  },
  {
    key: 'institutet',
    name: 'Institutet för migrationsstudier (demo)',
    type: 'other',
    county: 'C',
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

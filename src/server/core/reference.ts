/**
 * Controlled vocabularies shared across modules. Swedish counties (län) by
 * their official letter codes, plus nationwide and abroad.
 */
export const COUNTIES = [
  'AB',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'I',
  'K',
  'M',
  'N',
  'O',
  'S',
  'T',
  'U',
  'W',
  'X',
  'Y',
  'Z',
  'AC',
  'BD',
  'national',
  'abroad',
] as const;
export type County = (typeof COUNTIES)[number];

export const ORGANISATION_TYPES = ['authority', 'municipality', 'ngo', 'other'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

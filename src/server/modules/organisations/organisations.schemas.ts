import { z } from 'zod';
import {
  countryCode,
  email,
  id,
  isoDate,
  languageCode,
  optionalText,
  phone,
  role,
  searchText,
  shortText,
  url,
} from '../../core/schemas.js';
import {
  AUTHORITY_KINDS,
  CERTIFICATION_STATUSES,
  COUNTIES,
  MEMBERSHIPS,
  ORGANISATION_TYPES,
} from '../../core/reference.js';
import { serviceCode } from '../services/services.schemas.js';

export const county = z.enum(COUNTIES);
export const organisationType = z.enum(ORGANISATION_TYPES);
export const authorityKind = z.enum(AUTHORITY_KINDS);
export const membership = z.enum(MEMBERSHIPS);

export const organisationView = z.object({
  id: z.string(),
  name: z.string(),
  type: organisationType,
  authorityKind: authorityKind.nullable(),
  county,
  municipality: z.string().nullable(),
  district: z.string().nullable(),
  country: z.string().nullable(),
  website: z.string().nullable(),
  publicPhone: z.string().nullable(),
  publicEmail: z.string().nullable(),
  about: z.string().nullable(),
  languages: z.array(z.string()),
  services: z.array(z.string()),
  membership,
  membershipSince: z.string().nullable(),
  /** The certification as it stands today (past its end date counts as expired). */
  certification: z
    .object({
      status: z.enum(CERTIFICATION_STATUSES),
      certifiedTo: z.string().nullable(),
      services: z.array(z.string()),
    })
    .nullable(),
  userCount: z.number().int(),
  contactCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationView = z.infer<typeof organisationView>;

export const listQuery = z.strictObject({
  q: searchText(100).optional(),
  type: organisationType.optional(),
  county: county.optional(),
  service: serviceCode.optional(),
  language: languageCode.optional(),
  certification: z.enum(CERTIFICATION_STATUSES).optional(),
  membership: membership.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type OrganisationQuery = z.infer<typeof listQuery>;
export const listReply = z.object({ items: z.array(organisationView), total: z.number().int() });

export const whoCanHelpQuery = z.strictObject({
  service: serviceCode,
  county,
  /** The best matches first; the rest are counted in `total`. */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const whoCanHelpReply = z.object({
  total: z.number().int(),
  items: z.array(
    organisationView.extend({
      /** Certified today, with the certification covering this service. */
      certifiedForService: z.boolean(),
      /** Works nationwide rather than in the county itself. */
      national: z.boolean(),
    }),
  ),
});

const profileFields = {
  authorityKind: authorityKind.nullable().optional(),
  municipality: optionalText(120).optional(),
  district: optionalText(120).optional(),
  country: countryCode.nullable().optional(),
  website: url.nullable().optional(),
  publicPhone: phone.nullable().optional(),
  publicEmail: email.nullable().optional(),
  about: optionalText(2000).optional(),
  languages: z.array(languageCode).max(60).optional(),
  services: z.array(serviceCode).max(60).optional(),
  membership: membership.optional(),
  membershipSince: isoDate.nullable().optional(),
};

export const createBody = z.strictObject({
  name: shortText(200),
  type: organisationType,
  county,
  ...profileFields,
});
export type OrganisationInput = z.infer<typeof createBody>;

export const updateBody = z
  .strictObject({
    name: shortText(200).optional(),
    type: organisationType.optional(),
    county: county.optional(),
    ...profileFields,
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'empty',
    path: ['name'],
  });
export type OrganisationUpdate = z.infer<typeof updateBody>;

/** Staff of one organisation, as their colleagues see them: no security details. */
export const memberView = z.object({ id: z.string(), name: z.string(), email: z.string(), role });
export const membersReply = z.object({ items: z.array(memberView) });

export const orgParams = z.strictObject({ id });

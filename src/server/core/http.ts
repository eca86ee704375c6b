import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import type { Actor, RouteAccess } from './access.js';
import { AppError, type ErrorCode, type FieldError } from './errors.js';
import { t, type Locale } from './i18n.js';

/** The Fastify instance type every module registers its routes on. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; a route without it cannot be registered (deny by default). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | undefined;
    locale: Locale;
  }
}

/** One row of the route table, for the authorisation matrix and the fuzz tests. */
export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

/** The JSON shape of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields: Array<FieldError & { message: string }> };
}

/** Codes that schema refinements raise as their message (see core/schemas.ts). */
export const CUSTOM_FIELD_CODES = [
  'invalid_phone',
  'invalid_url',
  'invalid_country',
  'invalid_language',
  'date_order',
  'required',
  'unknown_service',
  'children_ages',
  'police_report_date',
  'duplicate',
  'period_too_long',
  'required_for_type',
  'not_for_type',
  'unknown_intervention',
  'unknown_ground',
  'not_fewer',
  'above_applied',
  'unknown_staff',
  'plan_too_large',
] as const;

function fieldCode(keyword: string, message: string, params: Record<string, unknown>): string {
  if (keyword === 'custom' && (CUSTOM_FIELD_CODES as readonly string[]).includes(message)) {
    return message;
  }
  if (keyword === 'invalid_type' && /received undefined/.test(message)) return 'required';
  if (keyword === 'invalid_format')
    return params.format === 'email' ? 'invalid_email' : 'invalid_format';
  if (keyword === 'invalid_type' && params.expected === 'int') return 'not_integer';
  if (
    ['invalid_type', 'too_small', 'too_big', 'unrecognized_keys', 'invalid_value'].includes(keyword)
  ) {
    return keyword;
  }
  return 'invalid';
}

/** Turns schema validation issues into field errors with translation keys. */
export function validationFields(
  validation: ReadonlyArray<{
    keyword: string;
    instancePath: string;
    message?: string;
    params: Record<string, unknown>;
  }>,
  context: string | undefined,
): FieldError[] {
  const fields: FieldError[] = [];
  for (const v of validation) {
    const base = v.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    const prefix = context && context !== 'body' ? `${context}.` : '';
    const params: Record<string, string | number> = {};
    for (const k of ['minimum', 'maximum'] as const) {
      const value = v.params[k];
      if (typeof value === 'number' || typeof value === 'string') params[k] = value;
      if (typeof value === 'bigint') params[k] = Number(value);
    }
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)) {
      for (const key of v.params.keys) {
        fields.push({
          path: `${prefix}${base ? `${base}.` : ''}${String(key)}`,
          code: 'unrecognized_keys',
        });
      }
      continue;
    }
    fields.push({
      path: `${prefix}${base}` || prefix.replace(/\.$/, ''),
      code: fieldCode(v.keyword, v.message ?? '', v.params),
      params,
    });
  }
  return fields;
}

export function errorBody(err: AppError, locale: Locale): ErrorBody {
  return {
    error: {
      code: err.code,
      message: t(locale, `errors.${err.code}`, err.params),
      fields: err.fields.map((f) => ({
        ...f,
        message: t(locale, `validation.${f.code}`, f.params ?? {}),
      })),
    },
  };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation',
};

/** Maps anything thrown to one AppError; internals never reach the client. */
export function toAppError(err: unknown, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as { validationContext?: string }).validationContext;
    return new AppError('validation', validationFields(err.validation, context));
  }
  if (isResponseSerializationError(err)) {
    request.log.error(
      { err: { message: 'response failed its schema', url: err.url } },
      'response serialisation',
    );
    return new AppError('internal');
  }
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code && FASTIFY_CODES[e.code]) return new AppError(FASTIFY_CODES[e.code]!);
  if (e.statusCode === 429) return new AppError('rate_limited');
  if (e.statusCode === 413) return new AppError('payload_too_large');
  if (e.statusCode === 415) return new AppError('unsupported_media_type');
  if (e.statusCode === 405) return new AppError('method_not_allowed');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError('bad_request');
  return new AppError('internal');
}

export function sendError(reply: FastifyReply, err: AppError, locale: Locale): FastifyReply {
  if (err.code === 'rate_limited' || err.code === 'too_many_attempts')
    reply.header('Retry-After', '60');
  return reply
    .status(err.status)
    .type('application/json; charset=utf-8')
    .send(errorBody(err, locale));
}

/** Field errors from a zod parse done in a service (e.g. one row of an import). */
export function zodFields(
  issues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldError[] {
  return validationFields(
    issues.map((i) => ({
      keyword: i.code,
      instancePath: `/${i.path.map(String).join('/')}`,
      message: i.message,
      params: { ...i },
    })),
    undefined,
  );
}

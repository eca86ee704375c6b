import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyRequest } from 'fastify';
import { staticHelmetHeaders } from './core/headers.js';
import rateLimit from '@fastify/rate-limit';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './core/config.js';
import type { DatabaseHandle } from './core/db/database.js';
import { systemClock, type AppContext, type Clock } from './core/context.js';
import { AuditLog } from './core/audit.js';
import { Mailer } from './core/mail.js';
import { createFieldCrypto, loadMasterKey } from './core/crypto.js';
import { AppError } from './core/errors.js';
import { hasPermission, isRole, type RouteAccess } from './core/access.js';
import { isLocale, localeFromAcceptLanguage } from './core/i18n.js';
import { sendError, toAppError, type App, type RouteEntry } from './core/http.js';
import { findSession } from './core/auth/sessions.js';
import { sessionCookieName } from './modules/auth/auth.cookies.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { organisationsRoutes } from './modules/organisations/organisations.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { outboxRoutes } from './modules/outbox/outbox.routes.js';
import { homeRoutes } from './modules/home/home.routes.js';
import { systemRoutes } from './modules/system/system.routes.js';
import { servicesRoutes } from './modules/services/services.routes.js';
import { contactsRoutes } from './modules/contacts/contacts.routes.js';
import { certificationRoutes } from './modules/certification/certification.routes.js';
import { workingGroupsRoutes } from './modules/working-groups/working-groups.routes.js';
import { directoryRoutes } from './modules/directory/directory.routes.js';
import { casesRoutes } from './modules/cases/cases.routes.js';
import { applicationsRoutes } from './modules/applications/applications.routes.js';
import { budgetRoutes } from './modules/budget/budget.routes.js';
import { contactStatisticsRoutes } from './modules/contact-statistics/contact-statistics.routes.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { accessReviewRoutes } from './modules/access-review/access-review.routes.js';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.js';
import { auditActor } from './core/audit.js';

export interface BuildOptions {
  config: Config;
  database: DatabaseHandle;
  clock?: Clock;
  /** Serve the built web app from this folder when it exists. */
  webDir?: string;
  /** Where the log goes (standard output when absent); tests capture it to scan it. */
  logStream?: { write(line: string): void };
}

export interface BuiltApp {
  app: App;
  ctx: AppContext;
  routes: RouteEntry[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIR = path.resolve(here, '../../dist/web');

/** Builds the whole application without listening; tests use it with `app.inject()`. */
export async function buildApp(opts: BuildOptions): Promise<BuiltApp> {
  const { config, database } = opts;
  const clock = opts.clock ?? systemClock;

  const fastify = Fastify({
    logger: {
      level: config.logLevel,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      // Only method, path and request id: no addresses, no query strings, no headers.
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: req.url.split('?')[0],
          id: req.id,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['*.password', '*.token', '*.code', '*.cookie', '*.authorization'],
        censor: '[redacted]',
      },
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    // Refusals by the router itself (a malformed URL, an over-long path parameter)
    // answer in the one error format too, without echoing the URL.
    frameworkErrors: (_err, request, reply) => {
      // No hook runs for these: the headers every answer carries are set here.
      reply.headers(securityHeaders);
      if (request.url.startsWith('/api')) reply.header('Cache-Control', 'no-store');
      const header = request.headers['accept-language'];
      const locale = localeFromAcceptLanguage(Array.isArray(header) ? header[0] : header);
      void sendError(reply, new AppError('bad_request'), locale);
    },
  });
  // The API speaks JSON only: other bodies (text/plain included) answer 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const ctx: AppContext = {
    config,
    db: database.db,
    dialect: database.dialect,
    clock,
    crypto: await createFieldCrypto(database.db, masterKey, () => clock.now()),
    audit: new AuditLog(database.db, database.dialect, clock),
    mail: new Mailer(database.db, database.dialect, clock, fastify.log, {
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      logBodies: config.env === 'development',
    }),
    log: fastify.log,
  };

  // Deny by default: every API route must say what it needs.
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access });
    }
  });

  // The security headers are the same for every response: computed once at start-up.
  const securityHeaders = staticHelmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies
      ? { maxAge: 31536000, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });

  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    errorResponseBuilder: () => new AppError('rate_limited'),
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Slussa API', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config) },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('actor', undefined);
  app.decorateRequest('locale', 'sv');

  const publicOrigin = new URL(config.publicUrl).origin;
  app.addHook('onRequest', async (request, reply) => {
    const isApi = request.url.startsWith('/api');
    if (isApi) reply.header('Cache-Control', 'no-store');
    const header = request.headers['accept-language'];
    request.locale = localeFromAcceptLanguage(Array.isArray(header) ? header[0] : header);
    if (!isApi) return;

    // CSRF: besides SameSite=Strict cookies, a state-changing request must come from our own origin.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const origin = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      const allowed = origin
        ? origin === publicOrigin || origin === `${request.protocol}://${request.host}`
        : site === 'same-origin';
      if (!allowed) throw new AppError('csrf');
    }

    const token = request.cookies[sessionCookieName(config)];
    if (token) {
      const found = await findSession(ctx.db, token, clock.now(), {
        idleMs: config.sessionIdleMs,
        absoluteMs: config.sessionAbsoluteMs,
      });
      const role = found.ok ? found.session.role : undefined;
      if (found.ok && isRole(role)) {
        const s = found.session;
        request.actor = {
          userId: s.user_id,
          organisationId: s.organisation_id,
          role,
          locale: isLocale(s.locale) ? s.locale : request.locale,
          sessionId: s.id,
          stage: s.stage === 'mfa' || s.stage === 'enrol' ? s.stage : 'full',
        };
      } else if (!found.ok && found.reason === 'expired') {
        reply.clearCookie(sessionCookieName(config), { path: '/' });
      }
    }
  });

  // Route access is checked right after authentication, before the body is even read.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!request.url.startsWith('/api') || access === undefined) return;
    if (access === 'public') return;
    const actor = request.actor;
    if (!actor) throw new AppError('unauthenticated');
    if (access === 'session') return;
    if (actor.stage !== 'full') throw new AppError('mfa_required');
    if (access === 'signed_in') return;
    if (!hasPermission(actor.role, access)) {
      await ctx.audit.record({
        ...auditActor(actor),
        action: 'access.denied',
        objectType: 'route',
        objectId: `${request.method} ${request.routeOptions.url ?? ''}`,
        requestId: request.id,
        outcome: 'denied',
      });
      throw new AppError('forbidden');
    }
  });

  app.setErrorHandler((err, request, reply) => {
    const appError = toAppError(err, request);
    if (appError.status >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, appError, request.locale);
  });

  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = fs.existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: false,
      cacheControl: true,
      maxAge: '1h',
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (!request.url.startsWith('/api') && request.method === 'GET' && hasWeb) {
      // The single-page app handles its own routes. Its page is revalidated on every
      // load (`cacheControl: false`, or send's own `public, max-age=0` replaces it).
      return reply
        .header('Cache-Control', 'no-cache')
        .sendFile('index.html', webDir, { cacheControl: false });
    }
    return sendError(reply, new AppError('not_found'), request.locale);
  });

  await app.register(async (scope) => {
    const api = scope as unknown as App;
    systemRoutes(api, ctx);
    authRoutes(api, ctx);
    homeRoutes(api, ctx);
    usersRoutes(api, ctx);
    organisationsRoutes(api, ctx);
    servicesRoutes(api, ctx);
    contactsRoutes(api, ctx);
    workingGroupsRoutes(api, ctx);
    auditRoutes(api, ctx);
    outboxRoutes(api, ctx);
    applicationsRoutes(api, ctx);
    budgetRoutes(api, ctx);
    contactStatisticsRoutes(api, ctx);
    reportsRoutes(api, ctx);
    accessReviewRoutes(api, ctx);
    dashboardRoutes(api, ctx);
  });
  // Modules that take file bodies get their own scope, so their content-type
  // parsers (octet-stream, CSV) do not open the JSON routes to other bodies.
  await app.register(async (scope) => certificationRoutes(scope as unknown as App, ctx));
  await app.register(async (scope) => directoryRoutes(scope as unknown as App, ctx));
  await app.register(async (scope) => casesRoutes(scope as unknown as App, ctx));

  app.addHook('onClose', async () => {
    await ctx.audit.flush();
    await ctx.mail.stop();
  });

  await app.ready();
  return { app, ctx, routes };
}

// What must hold after every crash: every acknowledged write is there with
// the figures acknowledged, no unit of work is half-written (a decision with
// its ledger lines and audit event, a transfer's two halves, the daily
// totals beside the ledger), the audit chain verifies, and the database
// passes its own integrity checks.

/**
 * @typedef {object} Acked  what the app answered 2xx to, over the whole run
 * @property {Map<string, { code: string, cycle: number }>} cases
 * @property {Map<string, { caseId: string, amountOre: number, cycle: number }>} applications
 * @property {Map<string, { applicationId: string, outcome: string, grantedAmountOre: number, cycle: number }>} decisions
 * @property {Map<string, { fromPostId: string, toPostId: string, amountOre: number, cycle: number }>} transfers
 * @property {Map<string, { count: number, cycle: number }>} reads  audited reads by `action|objectId|userId`
 */

/** @returns {Acked} */
export function emptyAcked() {
  return {
    cases: new Map(),
    applications: new Map(),
    decisions: new Map(),
    transfers: new Map(),
    reads: new Map(),
  };
}

/** @param {Acked} acked */
export function ackedCount(acked) {
  let reads = 0;
  for (const r of acked.reads.values()) reads += r.count;
  return {
    cases: acked.cases.size,
    applications: acked.applications.size,
    decisions: acked.decisions.size,
    transfers: acked.transfers.size,
    reads,
    total:
      acked.cases.size +
      acked.applications.size +
      acked.decisions.size +
      acked.transfers.size +
      reads,
  };
}

/** Final outcomes: they commit the granted amount (domain.md §3, Decisions). */
const FINAL = new Set(['granted', 'partially_granted', 'granted_with_condition', 'denied']);
const DECIDED_ACTIONS = new Set(['application.decided', 'application.decision_superseded']);

/**
 * @typedef {{ check: string, detail: string }} Violation
 * @typedef {{ violations: Violation[], ackedChecked: number, rows: Record<string, number>, integrity: string }} CheckResult
 */

/**
 * Runs every check on the connection (inside whatever transaction it has open).
 *
 * @param {import('./db.mjs').Conn} conn
 * @param {Acked} acked
 * @param {(db: import('kysely').Kysely<any>) => Promise<{ ok: boolean, checked: number, brokenAt?: number, reason?: string }>} verifyAuditChain
 * @returns {Promise<CheckResult>}
 */
export async function checkDatabase(conn, acked, verifyAuditChain) {
  /** @type {Violation[]} */
  const violations = [];
  /** @param {string} check @param {string} detail */
  const fail = (check, detail) => violations.push({ check, detail });
  const n = (/** @type {unknown} */ v) => Number(v);

  const cases = await conn.all('select id, code, number from cases');
  const applications = await conn.all(
    'select id, case_id, amount_ore, status, current_decision_id, version from applications',
  );
  const decisions = await conn.all(
    'select id, application_id, outcome, granted_amount_ore, approval_status, supersedes_id from decisions',
  );
  const entries = await conn.all(
    'select id, post_id, line_no, kind, amount_ore, decision_id, application_id, transfer_id, entry_date from budget_entries',
  );
  const totals = await conn.all(
    'select post_id, entry_date, kind, amount_ore, lines from budget_daily_totals',
  );
  const auditCounts = await conn.all(
    `select action, object_id, actor_user_id, count(*) as n from audit_events
     group by action, object_id, actor_user_id`,
  );
  const programmes = await conn.all('select last_case_number from programmes');

  const caseById = new Map(cases.map((c) => [c.id, c]));
  const appById = new Map(applications.map((a) => [a.id, a]));
  const decisionById = new Map(decisions.map((d) => [d.id, d]));
  /** Audit events per `action|objectId` (any actor) and per `action|objectId|actor`. */
  const perObject = new Map();
  const perActor = new Map();
  for (const r of auditCounts) {
    const k = `${r.action}|${r.object_id ?? ''}`;
    perObject.set(k, (perObject.get(k) ?? 0) + n(r.n));
    perActor.set(`${k}|${r.actor_user_id ?? ''}`, n(r.n));
  }
  const events = (/** @type {string} */ action, /** @type {string} */ id) =>
    perObject.get(`${action}|${id}`) ?? 0;

  /* 1. Every acknowledged write is present, as acknowledged. */
  let ackedChecked = 0;
  for (const [id, a] of acked.cases) {
    ackedChecked += 1;
    const row = caseById.get(id);
    if (!row) fail('acked case missing', `${id} (${a.code}, cycle ${a.cycle})`);
    else if (row.code !== a.code) fail('acked case changed', `${id}: ${row.code} ≠ ${a.code}`);
  }
  for (const [id, a] of acked.applications) {
    ackedChecked += 1;
    const row = appById.get(id);
    if (!row) fail('acked application missing', `${id} (cycle ${a.cycle})`);
    else if (row.case_id !== a.caseId || n(row.amount_ore) !== a.amountOre)
      fail(
        'acked application changed',
        `${id}: case ${row.case_id}, ${row.amount_ore} öre; acknowledged case ${a.caseId}, ${a.amountOre} öre`,
      );
  }
  for (const [id, a] of acked.decisions) {
    ackedChecked += 1;
    const row = decisionById.get(id);
    if (!row) fail('acked decision missing', `${id} (cycle ${a.cycle})`);
    else if (
      row.application_id !== a.applicationId ||
      row.outcome !== a.outcome ||
      n(row.granted_amount_ore) !== a.grantedAmountOre
    )
      fail(
        'acked decision changed',
        `${id}: ${row.outcome} ${row.granted_amount_ore} öre; acknowledged ${a.outcome} ${a.grantedAmountOre} öre`,
      );
  }
  /** @type {Map<string, any[]>} */
  const byTransfer = new Map();
  for (const e of entries)
    if (e.transfer_id) byTransfer.set(e.transfer_id, [...(byTransfer.get(e.transfer_id) ?? []), e]);
  for (const [id, a] of acked.transfers) {
    ackedChecked += 1;
    const halves = byTransfer.get(id) ?? [];
    const out = halves.find((e) => e.kind === 'transfer_out');
    const into = halves.find((e) => e.kind === 'transfer_in');
    if (halves.length === 0) fail('acked transfer missing', `${id} (cycle ${a.cycle})`);
    else if (
      !out ||
      !into ||
      out.post_id !== a.fromPostId ||
      into.post_id !== a.toPostId ||
      n(out.amount_ore) !== -a.amountOre ||
      n(into.amount_ore) !== a.amountOre
    )
      fail('acked transfer changed', `${id}: ${JSON.stringify(halves)}`);
  }
  for (const [key, r] of acked.reads) {
    ackedChecked += r.count;
    const found = perActor.get(key) ?? 0;
    if (found < r.count)
      fail('acked read not audited', `${key}: ${found} events for ${r.count} answered reads`);
  }

  /* 2. No half-written unit. Decisions: each with its audit event and, when it grants money, its commitment. */
  /** @type {Map<string, any[]>} */
  const byDecision = new Map();
  for (const e of entries) {
    if (e.decision_id) byDecision.set(e.decision_id, [...(byDecision.get(e.decision_id) ?? []), e]);
    else if (e.kind === 'commitment' || e.kind === 'deduction' || e.kind === 'reversal')
      fail('ledger entry without decision', `${e.id} (${e.kind})`);
    if (e.decision_id && !decisionById.has(e.decision_id))
      fail('ledger entry without decision', `${e.id} names decision ${e.decision_id}`);
  }
  for (const d of decisions) {
    const audited = [...DECIDED_ACTIONS].reduce((s, a) => s + events(a, d.id), 0);
    if (audited !== 1) fail('decision audit event', `${d.id}: ${audited} events (expected 1)`);
    const own = byDecision.get(d.id) ?? [];
    const app = appById.get(d.application_id);
    if (!app) {
      fail('decision without application', d.id);
      continue;
    }
    if (d.approval_status !== 'final' || !FINAL.has(d.outcome)) {
      if (own.length > 0)
        fail('decision ledger', `${d.id} is not final but has ${own.length} lines`);
      continue;
    }
    const granted = d.outcome === 'denied' ? 0 : n(d.granted_amount_ore);
    const commitments = own.filter((e) => e.kind === 'commitment');
    const net = own
      .filter((e) => e.kind === 'commitment' || e.kind === 'deduction')
      .reduce((s, e) => s + n(e.amount_ore), 0);
    if (commitments.length !== (granted > 0 ? 1 : 0) || net !== -granted)
      fail(
        'decision ledger',
        `${d.id}: ${commitments.length} commitments netting ${net} öre for ${granted} öre granted`,
      );
    if (!d.supersedes_id && (app.current_decision_id !== d.id || app.status !== 'decided'))
      fail(
        'decision without application state',
        `${d.id}: application ${app.id} is ${app.status}, current decision ${app.current_decision_id}`,
      );
  }
  /** @type {Map<string, number>} */
  const decisionsOf = new Map();
  for (const d of decisions)
    decisionsOf.set(d.application_id, (decisionsOf.get(d.application_id) ?? 0) + 1);
  for (const a of applications) {
    if (events('application.submitted', a.id) !== 1)
      fail('application audit event', `${a.id}: ${events('application.submitted', a.id)} events`);
    if (!caseById.has(a.case_id)) fail('application without case', a.id);
    const own = decisionsOf.get(a.id) ?? 0;
    // Each decision bumps the version once, in its own transaction.
    if (n(a.version) !== 1 + own)
      fail('application version', `${a.id}: version ${a.version} with ${own} decisions`);
    if (a.current_decision_id && !decisionById.has(a.current_decision_id))
      fail('application state without decision', `${a.id} → ${a.current_decision_id}`);
  }
  for (const [key, count] of perObject) {
    const [action, id] = key.split('|');
    if (!id) continue;
    if (DECIDED_ACTIONS.has(action ?? '') && !decisionById.has(id))
      fail('audit event without decision', `${action} ${id} (${count})`);
    if (action === 'application.submitted' && !appById.has(id))
      fail('audit event without application', id);
    if (action === 'case.created' && !caseById.has(id)) fail('audit event without case', id);
    if (action === 'budget.transferred' && !byTransfer.has(id))
      fail('audit event without transfer', id);
  }

  /* Cases: numbered 1, 2, 3 … with no gap or double, each with its audit event. */
  const numbers = cases.map((c) => n(c.number)).sort((a, b) => a - b);
  const last = n(programmes[0]?.last_case_number ?? 0);
  if (numbers.some((x, i) => x !== i + 1) || last !== numbers.length)
    fail(
      'case numbers',
      `${numbers.length} cases, numbers up to ${numbers.at(-1)}, counter ${last}`,
    );
  for (const c of cases)
    if (events('case.created', c.id) !== 1)
      fail('case audit event', `${c.id}: ${events('case.created', c.id)} events`);

  /* Transfers: both halves or none, with their audit event. */
  for (const [id, halves] of byTransfer) {
    const kinds = halves.map((e) => e.kind).sort();
    const sum = halves.reduce((s, e) => s + n(e.amount_ore), 0);
    if (
      halves.length !== 2 ||
      kinds[0] !== 'transfer_in' ||
      kinds[1] !== 'transfer_out' ||
      sum !== 0
    )
      fail('transfer halves', `${id}: ${kinds.join(', ')} summing ${sum} öre`);
    if (events('budget.transferred', id) !== 1)
      fail('transfer audit event', `${id}: ${events('budget.transferred', id)} events`);
  }

  /* The ledger: line numbers 1, 2, 3 … per post; the daily totals equal the ledger's sums. */
  /** @type {Map<string, number[]>} */
  const lines = new Map();
  /** @type {Map<string, { sum: number, count: number }>} */
  const sums = new Map();
  for (const e of entries) {
    const nos = lines.get(e.post_id) ?? [];
    nos.push(n(e.line_no));
    lines.set(e.post_id, nos);
    const k = `${e.post_id}|${e.entry_date}|${e.kind}`;
    const s = sums.get(k) ?? { sum: 0, count: 0 };
    s.sum += n(e.amount_ore);
    s.count += 1;
    sums.set(k, s);
  }
  for (const [post, nos] of lines) {
    nos.sort((a, b) => a - b);
    if (nos.some((x, i) => x !== i + 1))
      fail('ledger line numbers', `post ${post}: ${nos.length} lines, last ${nos.at(-1)}`);
  }
  const seen = new Set();
  for (const t of totals) {
    const k = `${t.post_id}|${t.entry_date}|${t.kind}`;
    seen.add(k);
    const s = sums.get(k) ?? { sum: 0, count: 0 };
    if (s.sum !== n(t.amount_ore) || s.count !== n(t.lines))
      fail(
        'daily totals',
        `${k}: totals ${t.amount_ore} öre in ${t.lines} lines, ledger ${s.sum} öre in ${s.count}`,
      );
  }
  for (const k of sums.keys()) if (!seen.has(k)) fail('daily totals', `${k}: no totals row`);

  /* 3. The audit chain, by the server's own verifier. */
  const chain = await verifyAuditChain(conn.kysely);
  if (!chain.ok)
    fail(
      'audit chain',
      `broken at seq ${chain.brokenAt} (${chain.reason}); ${chain.checked} verified`,
    );

  /* 4. The database's own integrity checks. */
  const integrity = await integrityChecks(conn, fail);

  return {
    violations,
    ackedChecked,
    rows: {
      cases: cases.length,
      applications: applications.length,
      decisions: decisions.length,
      ledgerEntries: entries.length,
      auditEvents: chain.checked,
    },
    integrity,
  };
}

/**
 * SQLite: integrity_check and foreign_key_check. PostgreSQL: amcheck's
 * bt_index_check on every B-tree index of the schema (when the extension is
 * available) and every foreign key queried for orphans.
 *
 * @param {import('./db.mjs').Conn} conn
 * @param {(check: string, detail: string) => void} fail
 * @returns {Promise<string>} what was checked
 */
async function integrityChecks(conn, fail) {
  if (conn.dialect === 'sqlite') {
    const ok = await conn.all('pragma integrity_check');
    const text = ok.map((r) => r.integrity_check).join('; ');
    if (text !== 'ok') fail('sqlite integrity_check', text);
    const fk = await conn.all('pragma foreign_key_check');
    for (const r of fk.slice(0, 5))
      fail('sqlite foreign_key_check', `${r.table} rowid ${r.rowid} → ${r.parent}`);
    return 'integrity_check, foreign_key_check';
  }
  let amcheck = 'amcheck unavailable';
  const available = await conn.all("select 1 from pg_available_extensions where name = 'amcheck'");
  if (available.length > 0) {
    await conn.run('create extension if not exists amcheck');
    const indexes = await conn.all(
      `select c.oid::int as oid, c.relname from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_am am on am.oid = c.relam
       join pg_namespace ns on ns.oid = c.relnamespace
       where am.amname = 'btree' and ns.nspname = current_schema() and i.indisvalid`,
    );
    // One statement for all (few round trips per cycle); on an error, one by one to name the index.
    try {
      await conn.all(
        `select count(bt_index_check(x.oid::oid, true)) from (${indexes.map(() => 'select ?::int as oid').join(' union all ')}) x`,
        indexes.map((ix) => ix.oid),
      );
    } catch {
      for (const ix of indexes) {
        try {
          await conn.all('select bt_index_check(?::oid, true)', [ix.oid]);
        } catch (err) {
          fail('amcheck', `${ix.relname}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    amcheck = `amcheck on ${indexes.length} B-tree indexes`;
  }
  const fks = await conn.all(
    `select con.conname, cl.relname as child, pl.relname as parent,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord) as child_cols,
       array(select a.attname::text from unnest(con.confkey) with ordinality k(num, ord)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord) as parent_cols
     from pg_constraint con
     join pg_class cl on cl.oid = con.conrelid
     join pg_class pl on pl.oid = con.confrelid
     join pg_namespace ns on ns.oid = cl.relnamespace
     where con.contype = 'f' and ns.nspname = current_schema()`,
  );
  const q = (/** @type {string} */ s) => `"${s.replace(/"/g, '""')}"`;
  const lit = (/** @type {string} */ s) => `'${s.replace(/'/g, "''")}'`;
  const orphans = fks.map((fk) => {
    /** @type {string[]} */
    const cc = fk.child_cols;
    /** @type {string[]} */
    const pc = fk.parent_cols;
    const notNull = cc.map((c) => `c.${q(c)} is not null`).join(' and ');
    const match = cc
      .map((c, i) => `p.${q(/** @type {string} */ (pc[i]))} = c.${q(c)}`)
      .join(' and ');
    return `select ${lit(fk.conname)} as name, ${lit(fk.parent)} as parent, count(*) as n
      from ${q(fk.child)} c where ${notNull}
      and not exists (select 1 from ${q(fk.parent)} p where ${match})`;
  });
  if (orphans.length > 0)
    for (const row of await conn.all(orphans.join(' union all ')))
      if (Number(row.n) > 0)
        fail('foreign key', `${row.name}: ${row.n} rows without their ${row.parent}`);
  return `${amcheck}, ${fks.length} foreign keys`;
}

/**
 * Corrupts the database on purpose, one way at a time inside a transaction
 * that is rolled back, and demands that the checks catch each: a checker that
 * cannot fail proves nothing.
 *
 * @param {import('./db.mjs').Conn} conn
 * @param {Acked} acked
 * @param {Parameters<typeof checkDatabase>[2]} verifyAuditChain
 * @returns {Promise<{ passed: string[], failed: string[] }>}
 */
export async function selfTest(conn, acked, verifyAuditChain) {
  const granted = [...acked.decisions].find(([, d]) => d.grantedAmountOre > 0)?.[0];
  const transferId = [...acked.transfers.keys()][0];
  const appCases = new Set([...acked.applications.values()].map((a) => a.caseId));
  const someCase =
    [...acked.cases.keys()].find((id) => !appCases.has(id)) ?? [...acked.cases.keys()][0];
  const appId = [...acked.applications.keys()][0];
  /** @type {Array<{ name: string, expect: string[], sql: string, params: unknown[], unchecked?: boolean }>} */
  const corruptions = [
    {
      name: "a decision's audit event deleted",
      expect: ['decision audit event', 'audit chain'],
      sql: "delete from audit_events where object_id = ? and action = 'application.decided'",
      params: [granted],
    },
    {
      name: "a decision's commitment changed",
      expect: ['decision ledger', 'daily totals'],
      sql: "update budget_entries set amount_ore = amount_ore + 100 where decision_id = ? and kind = 'commitment'",
      params: [granted],
    },
    {
      name: 'half of a transfer deleted',
      expect: ['transfer halves', 'acked transfer changed'],
      sql: "delete from budget_entries where transfer_id = ? and kind = 'transfer_in'",
      params: [transferId],
    },
    {
      name: 'a daily total changed',
      expect: ['daily totals'],
      sql: 'update budget_daily_totals set amount_ore = amount_ore - 1 where post_id = (select post_id from budget_entries where transfer_id = ? limit 1)',
      params: [transferId],
    },
    {
      name: 'an acknowledged case deleted',
      expect: ['acked case missing', 'audit event without case', 'case numbers'],
      sql: 'delete from cases where id = ?',
      params: [someCase],
      // Its applications may still point at it: foreign keys are not enforced for this one.
      unchecked: true,
    },
    {
      name: "an acknowledged application's amount changed",
      expect: ['acked application changed'],
      sql: 'update applications set amount_ore = amount_ore + 1 where id = ?',
      params: [appId],
    },
  ];
  /** @type {string[]} */
  const passed = [];
  /** @type {string[]} */
  const failed = [];
  for (const c of corruptions) {
    if (c.params.some((p) => p === undefined)) {
      failed.push(`${c.name}: nothing acknowledged to corrupt (the run wrote too little)`);
      continue;
    }
    await conn.run('begin');
    try {
      // SQLite enforces foreign keys only where asked to (the harness's connection does not).
      if (c.unchecked && conn.dialect === 'postgres')
        await conn.run('set local session_replication_role = replica');
      const changed = await conn.run(c.sql, c.params);
      if (changed === 0) {
        failed.push(`${c.name}: the corruption changed no row`);
        continue;
      }
      const { violations } = await checkDatabase(conn, acked, verifyAuditChain);
      const caught = new Set(violations.map((v) => v.check));
      const missed = c.expect.filter((e) => !caught.has(e));
      if (missed.length === 0) passed.push(c.name);
      else
        failed.push(
          `${c.name}: not caught by ${missed.join(', ')} (caught: ${[...caught].join(', ') || 'nothing'})`,
        );
    } finally {
      await conn.run('rollback');
    }
  }
  return { passed, failed };
}

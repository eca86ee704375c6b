import type { AppContext } from '../server/core/context.js';
import type { Actor, Role } from '../server/core/access.js';
import { stockholmDate } from '../server/core/time.js';
import { createCase } from '../server/modules/cases/cases.service.js';
import { decide, submitApplication } from '../server/modules/applications/applications.service.js';
import type { Background } from '../server/modules/cases/cases.schemas.js';
import type { ApplicationInput } from '../server/modules/applications/applications.schemas.js';
import * as budget from '../server/modules/budget/budget.service.js';
import type { PostPatchInput } from '../server/modules/budget/budget.schemas.js';
import { DEMO_EMAIL_DOMAIN } from './demo-data.js';

/**
 * The support programme's demo: a handful of wholly fictional cases with
 * applications in every state, made through the same services the API uses,
 * so every rule (certification, overlaps, warnings, amounts) applies to them.
 * Dates are relative to the day the demo is loaded.
 */

const REQUEST_ID = 'demo';

async function actorByEmail(ctx: AppContext, local: string): Promise<Actor> {
  const u = await ctx.db
    .selectFrom('users')
    .select(['id', 'organisation_id', 'role'])
    .where('email', '=', `${local}@${DEMO_EMAIL_DOMAIN}`)
    .executeTakeFirstOrThrow();
  return {
    userId: u.id,
    organisationId: u.organisation_id,
    role: u.role as Role,
    locale: 'sv',
    sessionId: 'demo',
    stage: 'full',
  };
}

function day(today: string, offset: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

const base: Background = {
  nationality: 'NG',
  gender: 'woman',
  ageBand: '18_25',
  childrenCount: 0,
  childrenAges: [],
  childrenInHomeCountry: 0,
  exploitationForms: ['sexual'],
  exploitationCountries: ['SE'],
  policeReport: 'no',
  policeReportDate: null,
  residenceStatus: 'asylum_seeker',
  housingSituation: 'protected_housing',
};

function application(
  p: Partial<ApplicationInput> & Pick<ApplicationInput, 'type' | 'justification'>,
): ApplicationInput {
  return {
    caseId: null,
    periodFrom: null,
    periodTo: null,
    interventionCode: null,
    quantity: null,
    unitCostOre: null,
    childrenCount: 0,
    protection24h: false,
    deductionsOre: 0,
    deductionsBy: null,
    ...p,
  };
}

export async function loadDemoProgramme(ctx: AppContext): Promise<void> {
  const today = stockholmDate(ctx.clock.now());
  const ljuset = await actorByEmail(ctx, 'ljuset');
  const fristaden = await actorByEmail(ctx, 'fristaden');
  const coordinator = await actorByEmail(ctx, 'samordnare');
  await loadDemoBudget(ctx, coordinator, today);

  const c1 = await createCase(
    ctx,
    ljuset,
    {
      background: {
        ...base,
        childrenCount: 1,
        childrenAges: [4],
        exploitationCountries: ['IT', 'SE'],
      },
      protectedIdentity: false,
      protectedStaffUserIds: [],
      identityNote: null,
    },
    REQUEST_ID,
  );
  const r1 = await submitApplication(
    ctx,
    ljuset,
    application({
      caseId: c1.id,
      type: 'reflection',
      periodFrom: day(today, 7),
      periodTo: day(today, 36),
      childrenCount: 1,
      justification:
        'Kvinnan och hennes son behöver skyddat boende och stöd under betänketiden (demo).',
    }),
    REQUEST_ID,
  );
  await decide(
    ctx,
    coordinator,
    r1.id,
    {
      expectedVersion: 1,
      outcome: 'partially_granted',
      grounds: ['budget_restriction'],
      rationale: 'Budgeten räcker till 26 av 30 dagar under perioden (demo).',
      grantedDays: 26,
      grantedQuantity: null,
      grantedAmountOre: null,
      condition: null,
      conditionEndsOn: null,
      supersedesDecisionId: null,
    },
    REQUEST_ID,
  );

  const c2 = await createCase(
    ctx,
    ljuset,
    {
      background: {
        ...base,
        nationality: 'RO',
        gender: 'man',
        ageBand: '31_35',
        exploitationForms: ['labour', 'forced_criminality'],
        exploitationCountries: ['SE'],
        policeReport: 'yes',
        policeReportDate: day(today, -20),
        residenceStatus: 'eu_citizen',
        housingSituation: 'with_acquaintances',
      },
      protectedIdentity: false,
      protectedStaffUserIds: [],
      identityNote: null,
    },
    REQUEST_ID,
  );
  await submitApplication(
    ctx,
    ljuset,
    application({
      caseId: c2.id,
      type: 'admission',
      justification: 'Mannen vill inte medverka i polisens utredning i nuläget (demo).',
    }),
    REQUEST_ID,
  );

  const c3 = await createCase(
    ctx,
    ljuset,
    {
      background: {
        ...base,
        nationality: 'TH',
        ageBand: '26_30',
        exploitationCountries: ['SE', 'DK'],
        residenceStatus: 'tut',
        housingSituation: 'own_accommodation',
      },
      protectedIdentity: false,
      protectedStaffUserIds: [],
      identityNote: null,
    },
    REQUEST_ID,
  );
  const i3 = await submitApplication(
    ctx,
    ljuset,
    application({
      caseId: c3.id,
      type: 'integration',
      periodFrom: day(today, 1),
      periodTo: day(today, 90),
      justification: 'Svenskundervisning och stöd till eget boende (demo).',
    }),
    REQUEST_ID,
  );
  await decide(
    ctx,
    coordinator,
    i3.id,
    {
      expectedVersion: 1,
      outcome: 'granted',
      grounds: ['meets_criteria'],
      rationale: 'Uppehållstillstånd finns; integrationsperioden beviljas (demo).',
      grantedDays: null,
      grantedQuantity: null,
      grantedAmountOre: null,
      condition: null,
      conditionEndsOn: null,
      supersedesDecisionId: null,
    },
    REQUEST_ID,
  );
  await submitApplication(
    ctx,
    ljuset,
    application({
      caseId: c3.id,
      type: 'intervention',
      interventionCode: 'therapy_session',
      quantity: 10,
      unitCostOre: 90_000,
      justification: 'Tio samtal med traumaterapeut (demo).',
    }),
    REQUEST_ID,
  );

  const c4 = await createCase(
    ctx,
    fristaden,
    {
      background: {
        ...base,
        nationality: 'VN',
        ageBand: 'under_18',
        exploitationForms: ['forced_criminality'],
        residenceStatus: 'undocumented',
        housingSituation: 'social_services_placement',
      },
      protectedIdentity: true,
      protectedStaffUserIds: [],
      identityNote: null,
    },
    REQUEST_ID,
  );
  await submitApplication(
    ctx,
    fristaden,
    application({
      caseId: c4.id,
      type: 'reflection',
      periodFrom: day(today, 1),
      periodTo: day(today, 30),
      protection24h: true,
      justification: 'Flickan behöver skydd dygnet runt från i morgon (demo).',
    }),
    REQUEST_ID,
  );
  await submitApplication(
    ctx,
    fristaden,
    application({
      type: 'inquiry',
      justification:
        'Kan programmet stödja en man som utnyttjats i tiggeri och saknar pass? (demo)',
    }),
    REQUEST_ID,
  );
}

/**
 * A budget period of twelve months from the first of this month, with a grant,
 * funds carried over, fixed costs and planned posts, so that the decisions
 * below commit money and the budget pages have something to show.
 */
async function loadDemoBudget(ctx: AppContext, coordinator: Actor, today: string): Promise<void> {
  const start = `${today.slice(0, 7)}-01`;
  const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
  // The day before the same date next year: the last day of the previous month, a year on.
  const end = stockholmDate(new Date(Date.UTC(y + 1, m - 1, 0, 12)));
  const period = await budget.createPeriod(
    ctx,
    coordinator,
    {
      name: `Stödprogrammet ${start.slice(0, 7)} – ${end.slice(0, 7)} (demo)`,
      startsOn: start,
      endsOn: end,
      overheadBp: 1000,
      fundingSources: [
        { kind: 'grant', name: 'Länsstyrelsen, bidrag (demo)', amountOre: 150_000_000, caseId: null },
        { kind: 'carried_over', name: 'Överfört från förra perioden (demo)', amountOre: 12_000_000, caseId: null },
      ],
      fixedCosts: [
        { kind: 'coordinator_salary', name: 'Samordnare 50 % (demo)', amountOre: 45_000_000 },
        { kind: 'travel', name: 'Resor (demo)', amountOre: 3_000_000 },
        { kind: 'website', name: 'Webbplats (demo)', amountOre: 1_500_000 },
      ],
    },
    REQUEST_ID,
  ); // prettier-ignore
  const post = (kind: string) => period.posts.find((p) => p.kind === kind)!.id;
  // Planned units: 4 persons × 30 days × 1,200 SEK; 2 × 90 × 600 SEK; interventions a plain 100,000 SEK.
  const plans: Array<[string, Omit<PostPatchInput, 'allowOverdraw'>]> = [
    ['reflection', { planPersons: 4, planDays: 30, planRateOre: 120_000 }],
    ['integration', { planPersons: 2, planDays: 90, planRateOre: 60_000 }],
    ['intervention', { planAmountOre: 10_000_000 }],
  ];
  for (const [kind, plan] of plans)
    await budget.updatePost(
      ctx,
      coordinator,
      post(kind),
      { ...plan, allowOverdraw: false },
      REQUEST_ID,
    );
  await budget.transfer(
    ctx,
    coordinator,
    {
      fromPostId: post('intervention'),
      toPostId: post('integration'),
      amountOre: 1_000_000,
      reason: 'Fler integrationsdagar än planerat (demo).',
      allowOverdraw: false,
    },
    REQUEST_ID,
  ); // prettier-ignore
}

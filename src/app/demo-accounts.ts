import crypto from 'node:crypto';
import { type RoleName, roleLabels, type ScopeKind } from '../domain/people.ts';
import { AppError } from '../errors.ts';
import {
  markAnnotationsAsExamples,
  markInquiriesAsExamples,
  markNarrativesAsExamples,
} from '../store/repos/example-repo.ts';
import { findOrganisation, organisationContext } from '../store/repos/organisation-repo.ts';
import { findUserByEmail } from '../store/repos/user-repo.ts';
import { loadUserActor } from './accounts/actor.ts';
import { passwordProblems } from './accounts/passwords.ts';
import { addUser, grantRole } from './accounts/users.ts';
import { createAnnotation } from './annotations/create.ts';
import { auditedWrite, authorise, type UseCaseContext } from './context.ts';
import { createDemoInquiries } from './inquiries/demo.ts';
import { createNarrative } from './narratives/write.ts';

/**
 * The accounts `tend demo` creates so every role can be tried: a contributor and an administrator
 * of Kent Community Health (RYY), a member of another trust in another ICB (Guy's and St Thomas',
 * RJ1), the system lead of RYY's integrated care board, oversight of RYY's region and of England,
 * and an improvement facilitator. Run as the operator `demo`, after the bundled data is loaded.
 */

/** The demo's trusts: the one most accounts belong to, and one in another ICB. */
export const demoTrusts = { home: 'RYY', other: 'RJ1' } as const;

const domain = 'tend-demo.example';

/** One demo account, with the password it was given (shown once, when the demo starts). */
export interface DemoAccount {
  email: string;
  name: string;
  role: RoleName;
  /** The role and where it applies, in words: "Contributor, Kent Community Health NHS Foundation Trust (RYY)". */
  roleText: string;
  password: string;
}

/** `demoPassword`: 16 random base64url characters (about 95 bits) that pass the password rules. */
export function demoPassword(email: string): string {
  for (;;) {
    const password = crypto.randomBytes(12).toString('base64url');
    // Not starting with "-" or "_", so it copies cleanly and never reads as a command-line flag.
    if (/^[A-Za-z0-9]/.test(password) && passwordProblems(password, email).length === 0) return password;
  }
}

interface Planned {
  email: string;
  name: string;
  role: RoleName;
  scopeKind: ScopeKind;
  scopeCode: string | null;
  where: string;
}

async function named(context: UseCaseContext, code: string): Promise<string> {
  const organisation = await findOrganisation(context.db, code);
  return organisation ? `${organisation.name} (${organisation.code})` : code;
}

/** The kind of organisation the first of `codes` that is one is. */
async function firstOfKind(context: UseCaseContext, codes: readonly string[], kind: 'icb' | 'region') {
  for (const code of codes) if ((await findOrganisation(context.db, code))?.kind === kind) return code;
  return undefined;
}

/**
 * `createDemoAccounts`: adds the seven demo accounts (marked `is_demo`) with their roles from today
 * and random passwords, and returns them with the passwords. The system lead's ICB and the regional
 * oversight's region are RYY's own, read from its memberships. NOT_FOUND unless the bundled
 * organisations are loaded.
 */
export async function createDemoAccounts(context: UseCaseContext): Promise<DemoAccount[]> {
  authorise(context, context.actor.kind === 'operator', 'create demo accounts');
  const home = await organisationContext(context.db, demoTrusts.home);
  const other = await organisationContext(context.db, demoTrusts.other);
  const icb = home && (await firstOfKind(context, home.icbCodes, 'icb'));
  const region = home && (await firstOfKind(context, home.regionCodes, 'region'));
  if (!home || !other || !icb || !region)
    throw new AppError(
      'NOT_FOUND',
      `The demo accounts need ${demoTrusts.home} and ${demoTrusts.other} with their ICBs and regions: import the ODS trust list (data/ods-trusts-2025/etr.csv) first.`,
    );
  const homeName = await named(context, home.code);
  const plan: Planned[] = [
    {
      email: `contributor.${home.code.toLowerCase()}@${domain}`,
      name: `Demo contributor (${home.code})`,
      role: 'contributor',
      scopeKind: 'organisation',
      scopeCode: home.code,
      where: homeName,
    },
    {
      email: `admin.${home.code.toLowerCase()}@${domain}`,
      name: `Demo administrator (${home.code})`,
      role: 'admin',
      scopeKind: 'organisation',
      scopeCode: home.code,
      where: homeName,
    },
    {
      email: `member.${other.code.toLowerCase()}@${domain}`,
      name: `Demo member (${other.code})`,
      role: 'member',
      scopeKind: 'organisation',
      scopeCode: other.code,
      where: await named(context, other.code),
    },
    {
      email: `system-lead.${icb.toLowerCase()}@${domain}`,
      name: `Demo system lead (${icb})`,
      role: 'system-lead',
      scopeKind: 'system',
      scopeCode: icb,
      where: await named(context, icb),
    },
    {
      email: `oversight.${region.toLowerCase()}@${domain}`,
      name: `Demo regional oversight (${region})`,
      role: 'oversight',
      scopeKind: 'region',
      scopeCode: region,
      where: await named(context, region),
    },
    {
      email: `oversight.england@${domain}`,
      name: 'Demo national oversight',
      role: 'oversight',
      scopeKind: 'england',
      scopeCode: null,
      where: 'England',
    },
    {
      email: `facilitator@${domain}`,
      name: 'Demo improvement facilitator',
      role: 'facilitator',
      scopeKind: 'none',
      scopeCode: null,
      where: 'any organisation',
    },
  ];
  const accounts: DemoAccount[] = [];
  for (const each of plan) {
    const password = demoPassword(each.email);
    await addUser(context, { email: each.email, name: each.name, password, isDemo: true });
    await grantRole(context, {
      email: each.email,
      role: each.role,
      scopeKind: each.scopeKind,
      scopeCode: each.scopeCode,
    });
    accounts.push({
      email: each.email,
      name: each.name,
      role: each.role,
      roleText: `${roleLabels[each.role]}, ${each.where}`,
      password,
    });
  }
  return accounts;
}

/** The demo contributor of the home trust: the author of the example narratives and annotations. */
export const demoAuthorEmail = `contributor.${demoTrusts.home.toLowerCase()}@${domain}`;

const financialStewardship = `This is an example written to show how Tend holds a Financial Stewardship Narrative. It is not Kent Community Health NHS Foundation Trust's own.

## Where we stand

We planned a small surplus for 2025/26 and are on track at month 9. Pay costs are 1.2% above plan because of bank staffing in community nursing over the winter; this is offset by lower agency use and non-recurrent income.

## What we are doing

- Moving 40 bank shifts a week into substantive posts by March.
- Reviewing every agency request above the price cap at the weekly vacancy panel.
- Sharing a monthly cost-improvement dashboard with each care group.

## What we would like help with

We would welcome conversations with trusts that have reduced bank use in community services without lengthening waits.`;

const metricCommentary = `This is an example written to show how Tend keeps commentary beside a chart. It is not Kent Community Health NHS Foundation Trust's own.

Nearly everyone attending our minor injury units and urgent treatment centres is seen and treated within four hours, and the chart shows common-cause variation around that level: no special cause, so no reason to react to any single month.

Attendances rose over the summer of 2024 with holiday visitors on the coast; the four-hour performance held. We will keep watching for a run below the mean as winter staffing changes.`;

/**
 * `createDemoDialogue`: the demo's example narratives and annotations for the home trust, written
 * by its demo contributor and published for everyone, each titled or starting "Example:", then
 * marked as examples (`is_example`) in one audited write by the operator: a Financial Stewardship
 * Narrative, commentary on its four-hour chart for other A&E departments, an event and a change idea,
 * and example inquiries in different domains and states (`inquiries/demo.ts`).
 * Needs the demo accounts and the bundled data.
 */
export async function createDemoDialogue(
  context: UseCaseContext,
): Promise<{ narrativeIds: number[]; annotationIds: number[]; inquiryIds: number[] }> {
  authorise(context, context.actor.kind === 'operator', 'create the demo examples');
  const author = await findUserByEmail(context.db, demoAuthorEmail);
  const actor = author && (await loadUserActor(context.db, author.id, context.clock(), 'session'));
  if (!actor)
    throw new AppError(
      'NOT_FOUND',
      `The demo examples are written by ${demoAuthorEmail}: create the demo accounts first.`,
    );
  const writer: UseCaseContext = { ...context, actor };
  const org = demoTrusts.home;
  const narratives = [
    await createNarrative(writer, {
      org,
      kind: 'financial_stewardship',
      title: 'Example: Financial Stewardship Narrative, 2025/26',
      body: financialStewardship,
      visibility: 'public',
      status: 'published',
      periodFrom: '2025-04-01',
      periodTo: '2026-03-31',
    }),
    await createNarrative(writer, {
      org,
      kind: 'metric_commentary',
      metric: 'ae-4hr-other',
      title: 'Example: four-hour waits at our minor injury units',
      body: metricCommentary,
      visibility: 'public',
      status: 'published',
      periodFrom: '2024-06-01',
      periodTo: '2025-06-30',
    }),
  ];
  const annotations = [
    await createAnnotation(writer, {
      org,
      metric: 'ae-attendances-other',
      date: '2024-08-01',
      kind: 'event',
      text: 'Example: summer visitors to the coast raised attendances at the seaside minor injury units.',
      visibility: 'public',
      status: 'published',
    }),
    await createAnnotation(writer, {
      org,
      metric: 'ae-4hr-other',
      date: '2024-11-01',
      kind: 'change_idea',
      text: 'Example: PDSA cycle 1 — a senior nurse streams arrivals at the door of one urgent treatment centre.',
      visibility: 'public',
      status: 'published',
    }),
  ];
  const narrativeIds = narratives.map((narrative) => narrative.id);
  const annotationIds = annotations.map((annotation) => annotation.id);
  // Example inquiries: national oversight invites the trust into one, the system lead into another.
  const home = await organisationContext(context.db, org);
  const icb = home ? await firstOfKind(context, home.icbCodes, 'icb') : undefined;
  const actorOf = async (email: string): Promise<UseCaseContext | null> => {
    const user = await findUserByEmail(context.db, email);
    const loaded = user && (await loadUserActor(context.db, user.id, context.clock(), 'session'));
    return loaded ? { ...context, actor: loaded } : null;
  };
  const inviter = await actorOf(`oversight.england@${domain}`);
  const inquiryIds = inviter
    ? await createDemoInquiries(
        {
          writer,
          inviter,
          systemLead: icb ? await actorOf(`system-lead.${icb.toLowerCase()}@${domain}`) : null,
        },
        { org, icb: icb ?? null },
      )
    : [];
  await auditedWrite(context, {}, async (trx) => {
    await markNarrativesAsExamples(trx, narrativeIds);
    await markAnnotationsAsExamples(trx, annotationIds);
    await markInquiriesAsExamples(trx, inquiryIds);
    return {
      result: undefined,
      audit: {
        action: 'demo.mark_examples',
        entityType: 'demo',
        entityId: null,
        orgCode: org,
        after: { narratives: narrativeIds, annotations: annotationIds, inquiries: inquiryIds },
      },
    };
  });
  return { narrativeIds, annotationIds, inquiryIds };
}

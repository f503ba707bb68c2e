import { z } from 'zod';
import {
  type EscalationRecipientKind,
  type EscalationState,
  escalationStates,
} from '../../domain/improvement.ts';
import {
  type AgeBandKey,
  ageBandOf,
  ageBands,
  calendarDaysBetween,
  workingDaysBetween,
} from '../../domain/working-days.ts';
import { AppError } from '../../errors.ts';
import {
  canEscalation,
  canRaiseEscalation,
  canReadRaisedEscalations,
  canReadReceivedEscalations,
  type EscalationResource,
  escalationRecipientsOf,
} from '../../policies/escalation.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { scope } from '../../policies/scope.ts';
import {
  type EscalationEventRow,
  type EscalationWithNames,
  findEscalation,
  listEscalationEvents,
  listEscalations,
} from '../../store/repos/escalation-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import type { OrganisationRow } from '../../store/tables.ts';
import { authorise, type UseCaseContext } from '../context.ts';
import { notFound } from './input.ts';

/**
 * Reading escalations: one with its timeline and clocks, an organisation's (the raiser's list), a
 * recipient's ageing view, and any filtered list. Everything goes through the actor's escalation
 * scope; one the scope does not read is NOT_FOUND, never FORBIDDEN, so its existence is not revealed.
 *
 * Clocks count working days (Monday to Friday, bank holidays in England left out:
 * `domain/working-days.ts`), with calendar days beside them; an escalation's clock stops when it closes.
 */

/** Elapsed time, in working days and in calendar days. */
export interface Elapsed {
  readonly workingDays: number;
  readonly calendarDays: number;
}

function elapsed(from: Date, to: Date): Elapsed {
  return { workingDays: workingDaysBetween(from, to), calendarDays: calendarDaysBetween(from, to) };
}

/** One step of an escalation's timeline with the clock at that step. */
export interface EscalationStep {
  readonly event: EscalationEventRow;
  /** Since the escalation was raised. */
  readonly sinceRaised: Elapsed;
  /** Since the step before (zero for the first). */
  readonly sincePrevious: Elapsed;
}

/** An escalation's clock now (`EscalationClock`): stopped at closing. */
export interface EscalationClock {
  readonly sinceRaised: Elapsed;
  /** Since the latest step (raised, acknowledged or responded) — how long the current state has waited. */
  readonly sinceLastStep: Elapsed;
  readonly lastStep: EscalationState;
  /** The ageing band by working days since raised. */
  readonly band: AgeBandKey;
  readonly stopped: boolean;
}

/** What the actor may do to an escalation they read. */
export interface EscalationPermissions {
  readonly acknowledge: boolean;
  readonly respond: boolean;
  readonly close: boolean;
  /** Answer "would you raise a concern this way again?" — the raiser, when closing or once closed. */
  readonly answer: boolean;
  /** Whether closing, for this actor, asks the question. */
  readonly closeAsks: boolean;
}

export interface EscalationDetail {
  readonly escalation: EscalationWithNames;
  readonly steps: EscalationStep[];
  readonly clock: EscalationClock;
  readonly permissions: EscalationPermissions;
}

/** The policy's view of an escalation row (`escalationResource`). */
export function escalationResource(escalation: EscalationWithNames): EscalationResource {
  return {
    raiserOrgCode: escalation.raiser_org_code,
    recipientOrgCode: escalation.recipient_org_code,
    recipientKind: escalation.recipient_kind,
    state: escalation.state,
    wouldRaiseAgain: escalation.would_raise_again,
  };
}

/** The moment of the latest step that is not closing: raised, acknowledged or responded. */
function lastStepOf(escalation: EscalationWithNames): { state: EscalationState; at: Date } {
  if (escalation.responded_at) return { state: 'responded', at: escalation.responded_at };
  if (escalation.acknowledged_at) return { state: 'acknowledged', at: escalation.acknowledged_at };
  return { state: 'raised', at: escalation.raised_at };
}

/** An escalation's clock at `now` (`escalationClock`): stopped at its closing, if closed. */
export function escalationClock(escalation: EscalationWithNames, now: Date): EscalationClock {
  const end = escalation.closed_at ?? now;
  const last = lastStepOf(escalation);
  const sinceRaised = elapsed(escalation.raised_at, end);
  return {
    sinceRaised,
    sinceLastStep: elapsed(last.at, end),
    lastStep: last.state,
    band: ageBandOf(sinceRaised.workingDays).key,
    stopped: escalation.closed_at !== null,
  };
}

/** The timeline's steps with the clock at each (`escalationSteps`). */
export function escalationSteps(
  escalation: EscalationWithNames,
  events: readonly EscalationEventRow[],
): EscalationStep[] {
  let previous = escalation.raised_at;
  return events.map((event) => {
    const step = {
      event,
      sinceRaised: elapsed(escalation.raised_at, event.at),
      sincePrevious: elapsed(previous, event.at),
    };
    previous = event.at;
    return step;
  });
}

/**
 * An escalation the actor may read, with the policy's view of it (`loadEscalation`); NOT_FOUND when
 * the scope does not read it.
 */
export async function loadEscalation(context: UseCaseContext, id: number) {
  const escalation = await findEscalation(context.db, scope(context.actor, 'read', 'escalation'), id);
  if (!escalation) throw notFound(id);
  return { escalation, resource: escalationResource(escalation) };
}

/** One escalation with its timeline, clocks and what the actor may do to it (`getEscalation`). */
export async function getEscalation(context: UseCaseContext, id: number): Promise<EscalationDetail> {
  const { escalation, resource } = await loadEscalation(context, id);
  const events = await listEscalationEvents(context.db, scope(context.actor, 'read', 'escalation'), id);
  const close = canEscalation(context.actor, 'close', resource);
  return {
    escalation,
    steps: escalationSteps(escalation, events),
    clock: escalationClock(escalation, context.clock()),
    permissions: {
      acknowledge: canEscalation(context.actor, 'acknowledge', resource),
      respond: canEscalation(context.actor, 'respond', resource),
      close,
      answer: canEscalation(context.actor, 'answer', resource),
      closeAsks: close && canRaiseEscalation(context.actor, escalation.raiser_org_code),
    },
  };
}

const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{2,10}$/, 'must be an ODS code')
  .transform((value) => value.toUpperCase());

/** The query a list of escalations accepts (API). */
export const escalationListFilter = z.object({
  org: code.optional().describe('Only escalations raised by this organisation (ODS code)'),
  recipient: code.optional().describe('Only escalations sent to this region or ICB (ODS code)'),
  state: z.enum(escalationStates).optional().describe('Only escalations in this state'),
  open: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('true: only escalations not yet closed'),
});

/** Escalations the actor may read, filtered, the longest-waiting first (`findEscalations`). */
export async function findEscalations(
  context: UseCaseContext,
  filter: z.output<typeof escalationListFilter>,
): Promise<EscalationWithNames[]> {
  return listEscalations(context.db, scope(context.actor, 'read', 'escalation'), {
    raiserOrgCode: filter.org,
    recipientOrgCode: filter.recipient,
    state: filter.state,
    open: filter.open,
  });
}

/** A place an organisation may send an escalation: its region or an ICB it belongs to. */
export interface EscalationRecipient {
  readonly kind: EscalationRecipientKind;
  readonly code: string;
  readonly name: string;
}

/** Where the organisation may raise a concern, region first (`recipientsFor`). */
export async function recipientsFor(
  context: Pick<UseCaseContext, 'db'>,
  org: OrganisationContext,
): Promise<EscalationRecipient[]> {
  const recipients: EscalationRecipient[] = [];
  for (const each of escalationRecipientsOf(org)) {
    const found = await findOrganisation(context.db, each.code);
    if (found) recipients.push({ kind: each.kind, code: found.code, name: found.name });
  }
  return recipients;
}

async function organisationAt(context: UseCaseContext, orgCode: string) {
  const organisation = /^[A-Za-z0-9]{2,10}$/.test(orgCode)
    ? await findOrganisation(context.db, orgCode)
    : undefined;
  const org = organisation ? await organisationContext(context.db, organisation.code) : undefined;
  if (!organisation || !org)
    throw new AppError('NOT_FOUND', `No organisation has the code ${orgCode.slice(0, 20)}.`);
  return { organisation, org };
}

export interface OrganisationEscalations {
  readonly organisation: OrganisationRow;
  /** The organisation's escalations the actor reads, the longest-waiting first, with their clocks. */
  readonly escalations: { escalation: EscalationWithNames; clock: EscalationClock }[];
  /** Whether the actor may raise one for the organisation. */
  readonly canRaise: boolean;
  readonly recipients: EscalationRecipient[];
}

/**
 * An organisation's escalations (`organisationEscalations`): for its people, and for those who may
 * receive them (who see only what was sent to them). UNAUTHENTICATED for anonymous visitors,
 * FORBIDDEN for anyone else, NOT_FOUND for an unknown organisation.
 */
export async function organisationEscalations(
  context: UseCaseContext,
  orgCode: string,
): Promise<OrganisationEscalations> {
  authorise(context, context.actor.kind !== 'anonymous', 'read escalations');
  const { organisation, org } = await organisationAt(context, orgCode);
  authorise(
    context,
    canReadRaisedEscalations(context.actor, org),
    `read the escalations of ${organisation.name}`,
  );
  const now = context.clock();
  const rows = await listEscalations(context.db, scope(context.actor, 'read', 'escalation'), {
    raiserOrgCode: organisation.code,
  });
  const canRaise = canRaiseEscalation(context.actor, organisation.code);
  return {
    organisation,
    escalations: rows.map((escalation) => ({ escalation, clock: escalationClock(escalation, now) })),
    canRaise,
    recipients: canRaise ? await recipientsFor(context, org) : [],
  };
}

/** One band of the ageing view: its open escalations, oldest first. */
export interface AgeBand {
  readonly key: AgeBandKey;
  readonly label: string;
  readonly escalations: { escalation: EscalationWithNames; clock: EscalationClock }[];
}

export interface ReceivedEscalations {
  readonly recipient: OrganisationRow;
  readonly recipientKind: EscalationRecipientKind;
  /** Open escalations in age bands by working days since raised, each band oldest first. */
  readonly bands: AgeBand[];
  readonly openCount: number;
  /** Closed escalations, the most recently raised first, with their clocks stopped at closing. */
  readonly closed: { escalation: EscalationWithNames; clock: EscalationClock }[];
}

/**
 * A recipient's ageing view (`receivedEscalations`): the open escalations sent to a region or an ICB
 * by age band, oldest first, with the clock of each; and those closed. For oversight of the region,
 * the ICB's system lead and people, the operator. NOT_FOUND unless the code is a region's or an ICB's.
 */
export async function receivedEscalations(
  context: UseCaseContext,
  recipientCode: string,
): Promise<ReceivedEscalations> {
  authorise(context, context.actor.kind !== 'anonymous', 'read escalations');
  const { organisation } = await organisationAt(context, recipientCode);
  if (organisation.kind !== 'region' && organisation.kind !== 'icb')
    throw new AppError(
      'NOT_FOUND',
      `${organisation.name} is not a region or an ICB, so no concerns are escalated to it.`,
    );
  const recipientKind: EscalationRecipientKind = organisation.kind;
  authorise(
    context,
    canReadReceivedEscalations(context.actor, recipientKind, organisation.code),
    `read the concerns escalated to ${organisation.name}`,
  );
  const now = context.clock();
  const rows = await listEscalations(context.db, scope(context.actor, 'read', 'escalation'), {
    recipientOrgCode: organisation.code,
    recipientKind,
  });
  const withClocks = rows.map((escalation) => ({ escalation, clock: escalationClock(escalation, now) }));
  const open = withClocks.filter((each) => each.escalation.state !== 'closed');
  return {
    recipient: organisation,
    recipientKind,
    openCount: open.length,
    bands: [...ageBands].reverse().map((band) => ({
      key: band.key,
      label: band.label,
      escalations: open.filter((each) => each.clock.band === band.key),
    })),
    closed: withClocks.filter((each) => each.escalation.state === 'closed').reverse(),
  };
}

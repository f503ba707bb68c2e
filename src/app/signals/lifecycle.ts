import type { SignalStatus } from '../../domain/signal.ts';
import { SIGNAL_STATUS_LABELS } from '../../domain/signal.ts';
import { AppError } from '../../errors.ts';
import { actorLabel } from '../../policies/actor.ts';
import type { OrganisationContext } from '../../policies/organisation-context.ts';
import { canChangeSignalStatus, type SignalResource } from '../../policies/signal.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import { setSignalStatus, signalById } from '../../store/repos/signal-repo.ts';
import { findTeam } from '../../store/repos/team-repo.ts';
import type { SignalRow } from '../../store/tables.ts';
import { auditedWrite, authorise, type UseCaseContext } from '../context.ts';
import { canReadMetric } from '../teams/access.ts';

/** The statuses people move a signal to by hand; `inquiry_opened` is set by opening an inquiry from it. */
export type SignalStatusChange = 'acknowledged' | 'understood' | 'data_question' | 'closed';

export const SIGNAL_STATUS_CHANGES: readonly SignalStatusChange[] = [
  'acknowledged',
  'understood',
  'data_question',
  'closed',
];

/** Which statuses each change may start from. */
const allowedFrom: Readonly<Record<SignalStatusChange, readonly SignalStatus[]>> = {
  acknowledged: ['new'],
  understood: ['new', 'acknowledged', 'data_question'],
  data_question: ['new', 'acknowledged'],
  closed: ['new', 'acknowledged', 'inquiry_opened', 'understood', 'data_question'],
};

/** The longest note a status change keeps. */
export const SIGNAL_NOTE_MAX = 2000;

/** The statuses a signal in `status` may be moved to by hand. */
export function nextStatuses(status: SignalStatus): SignalStatusChange[] {
  return SIGNAL_STATUS_CHANGES.filter((change) => allowedFrom[change].includes(status));
}

/** A signal as the policy sees it: its organisation (for a team's indicator, the team's organisation) with its ICBs and region. */
export async function signalResource(
  context: Pick<UseCaseContext, 'db'>,
  signal: Pick<SignalRow, 'org_code'>,
): Promise<SignalResource> {
  const team = await findTeam(context.db, signal.org_code);
  const orgCode = team ? team.parent_code : signal.org_code;
  const org: OrganisationContext = (await organisationContext(context.db, orgCode)) ?? {
    code: orgCode,
    icbCodes: [],
    regionCodes: [],
  };
  return { org, teamCode: team ? team.code : null };
}

/** One signal the actor may read (its metric's reading: a team's organisation-only indicator only for those it allows), or NOT_FOUND. */
export async function requireReadableSignal(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  id: number,
): Promise<SignalRow> {
  const signal = Number.isSafeInteger(id) && id > 0 ? await signalById(context.db, id) : undefined;
  if (!signal || !(await canReadMetric(context, signal.metric_id)))
    throw new AppError('NOT_FOUND', `No signal has the id ${JSON.stringify(String(id).slice(0, 20))}.`);
  return signal;
}

/** Whether the actor may move this signal through its lifecycle. */
export async function canChangeSignal(
  context: Pick<UseCaseContext, 'db' | 'actor'>,
  signal: Pick<SignalRow, 'org_code'>,
): Promise<boolean> {
  return canChangeSignalStatus(context.actor, await signalResource(context, signal));
}

/** What a change of status is made of, as a form, the API or the command line gives it (checked here). */
export interface SignalStatusInput {
  status: string;
  /** Required for `understood` (the written reason) and `data_question` (what is wrong with the data). */
  note?: string | null;
  /** The version the person saw; a signal changed since is refused (CONFLICT). */
  version?: number;
}

function statusProblems(
  signal: SignalRow,
  input: SignalStatusInput,
): { problems: string[]; status?: SignalStatusChange; note: string | null } {
  const problems: string[] = [];
  const wanted = input.status.trim();
  const status = SIGNAL_STATUS_CHANGES.find((change) => change === wanted);
  const note = input.note?.trim() ? input.note.trim() : null;
  if (!status)
    problems.push(
      `status: Choose what to record: ${SIGNAL_STATUS_CHANGES.map((change) => SIGNAL_STATUS_LABELS[change].toLowerCase()).join(', ')}`,
    );
  else if (!allowedFrom[status].includes(signal.status))
    problems.push(
      `status: A signal that is ${SIGNAL_STATUS_LABELS[signal.status].toLowerCase()} cannot be marked ${SIGNAL_STATUS_LABELS[status].toLowerCase()}`,
    );
  if (status === 'understood' && note === null)
    problems.push('note: Write why the signal is understood: what explains it');
  if (status === 'data_question' && note === null)
    problems.push('note: Write what looks wrong with the data, and who is checking it');
  if (note !== null && note.length > SIGNAL_NOTE_MAX)
    problems.push(`note: Keep the note to ${SIGNAL_NOTE_MAX} characters or fewer (it has ${note.length})`);
  return { problems, status, note };
}

/**
 * changeSignalStatus: moves a signal through its lifecycle — acknowledged (from new); understood,
 * with a written reason; a question about the data, with a note; closed — as one audited write.
 * The organisation's contributors and admins (a team's, for its indicator) and those who oversee the
 * organisation may; members may not. Every problem is listed at once (VALIDATION_FAILED); a signal
 * changed since the person saw it is refused (CONFLICT).
 */
export async function changeSignalStatus(
  context: UseCaseContext,
  id: number,
  input: SignalStatusInput,
): Promise<SignalRow> {
  const signal = await requireReadableSignal(context, id);
  authorise(context, await canChangeSignal(context, signal), 'change the status of this signal');
  const { problems, status, note } = statusProblems(signal, input);
  if (problems.length || !status)
    throw new AppError(
      'VALIDATION_FAILED',
      `The change has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
      { details: problems },
    );
  return auditedWrite(context, {}, async (trx, at) => {
    const locked = await signalById(trx, signal.id, { forUpdate: true });
    if (
      !locked ||
      locked.status !== signal.status ||
      (input.version !== undefined && locked.version !== input.version)
    )
      throw new AppError('CONFLICT', `Signal ${signal.id} changed while you were changing it.`);
    const row = await setSignalStatus(trx, signal.id, status, note, at, actorLabel(context.actor));
    return {
      result: row,
      audit: {
        action: `signal.${status}`,
        entityType: 'signal',
        entityId: row.id,
        orgCode: row.org_code,
        before: { status: signal.status, note: signal.status_note },
        after: { status: row.status, note: row.status_note, metric: row.metric_id, kind: row.kind },
      },
    };
  });
}

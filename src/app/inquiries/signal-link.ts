import type { Kysely } from 'kysely';
import type { SignalStatus } from '../../domain/signal.ts';
import { scope } from '../../policies/scope.ts';
import { listSignals, setSignalStatus, signalById } from '../../store/repos/signal-repo.ts';
import type { Database, SignalRow } from '../../store/tables.ts';
import type { UseCaseContext } from '../context.ts';

/**
 * Where inquiries meet signals: an inquiry opened from a signal (or an accepted invitation from one)
 * marks it `inquiry_opened`; closing the inquiry closes the signal. Runs inside the inquiry's own
 * audited write, so the change is recorded in the same transaction.
 */

/** The signal an inquiry is opened from (`findSignalFor`), or undefined. */
export async function findSignalFor(db: Kysely<Database>, id: number): Promise<SignalRow | undefined> {
  return signalById(db, id);
}

/** Moves the inquiry's signal to `status` with a note (`markSignal`), unless it is already closed. */
export async function markSignal(
  db: Kysely<Database>,
  id: number,
  status: Extract<SignalStatus, 'inquiry_opened' | 'closed'>,
  note: string,
  at: Date,
): Promise<void> {
  const signal = await signalById(db, id, { forUpdate: true });
  if (!signal || signal.closed_at !== null) return;
  await setSignalStatus(db, id, status, note, at, 'inquiry');
}

/**
 * The open concern on a chart that no inquiry has taken up yet (`openConcernOn`), as the reader may
 * read it: the signal a new inquiry about the chart is opened from. Undefined when there is none.
 */
export async function openConcernOn(
  context: UseCaseContext,
  orgCode: string,
  metricId: string,
): Promise<number | undefined> {
  const [signal] = await listSignals(
    context.db,
    scope(context.actor, 'read', 'team_indicator'),
    { orgCode, metricId, kinds: ['concern'], statuses: ['new', 'acknowledged'] },
    1,
  );
  return signal?.org_code === orgCode ? signal.id : undefined;
}

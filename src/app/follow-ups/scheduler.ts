import type { PgBoss } from 'pg-boss';
import { AppError } from '../../errors.ts';
import { operator } from '../../policies/actor.ts';
import type { Store } from '../../store/db.ts';
import { systemClock } from '../context.ts';
import type { Mailer } from '../mail/mailer.ts';
import { remindPeerReviewStages } from '../peer-reviews/reminders.ts';
import { remindRiskSharingReviews } from '../risk-sharing/reminders.ts';
import { askDueFollowUps, type SweepResult } from './ask.ts';

/** The pg-boss queue whose job asks the follow-ups that are due. */
export const followUpQueue = 'tend-follow-ups-due';
/** pg-boss keeps its tables in this schema, apart from Tend's. */
export const jobSchema = 'pgboss';

export interface FollowUpSchedulerOptions {
  readonly mailer: Mailer;
  /** The PostgreSQL server's connection string (`DATABASE_URL`): pg-boss keeps a small pool of its own there. */
  readonly databaseUrl?: string;
  /** The time the sweep asks by (tests move it six weeks on); pg-boss's own timers use the system clock. */
  readonly clock?: () => Date;
  /** Where people reach Tend, for the link in each email. */
  readonly origin?: string;
  /** Where a sweep that failed is reported (pg-boss retries the job). */
  readonly onError?: (error: unknown) => void;
  /** Where each sweep that asked something is reported. */
  readonly onSweep?: (result: SweepResult) => void;
  /** How often the worker looks for a job, in seconds (default 2). */
  readonly pollingIntervalSeconds?: number;
}

/** A running schedule of follow-up sweeps. */
export interface FollowUpScheduler {
  /** Queues a sweep now, as the schedule does every minute; resolves once the job is queued. */
  trigger(): Promise<void>;
  /** Runs a sweep in this call, outside the queue. */
  sweep(): Promise<SweepResult>;
  /** Stops the worker and the schedule; the store stays open (its owner closes it). */
  stop(): Promise<void>;
  readonly boss: PgBoss;
}

/**
 * Starts pg-boss on the store and schedules the follow-up sweep every minute, and once at start
 * (`startFollowUpScheduler`). On the embedded store pg-boss runs on the same PGlite instance
 * through its PGlite adapter (`backend: 'pglite'`), so the folder stays one process's and one
 * connection's; on a PostgreSQL server it keeps a pool of two connections of its own (its
 * multi-statement commands need a driver that returns every statement's rows). pg-boss is loaded
 * here, on first use, so commands that schedule nothing never load it.
 */
export async function startFollowUpScheduler(
  store: Store,
  options: FollowUpSchedulerOptions,
): Promise<FollowUpScheduler> {
  const { PgBoss, fromPglite } = await import('pg-boss');
  const clock = options.clock ?? systemClock;
  const context = { db: store.db, actor: operator('follow-ups'), clock };
  const sweep = async () => {
    const asked = await askDueFollowUps(context, options.mailer, { origin: options.origin });
    // Peer reviews' stage reminders and risk-sharing agreements' review dates ride on the same sweep.
    await remindPeerReviewStages(context, options.mailer, { origin: options.origin });
    await remindRiskSharingReviews(context, options.mailer, { origin: options.origin });
    return asked;
  };
  let boss: PgBoss;
  if (store.kind === 'pglite' && store.pglite)
    boss = new PgBoss({ db: fromPglite(store.pglite), backend: 'pglite', schema: jobSchema });
  else if (options.databaseUrl)
    boss = new PgBoss({ connectionString: options.databaseUrl, max: 2, schema: jobSchema });
  else throw new AppError('INTERNAL', 'The follow-up schedule needs the PostgreSQL connection string.');
  boss.on('error', (error) => options.onError?.(error));
  await boss.start();
  try {
    await boss.createQueue(followUpQueue);
    await boss.work(
      followUpQueue,
      { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 },
      async () => {
        try {
          const result = await sweep();
          if (result.asked.length) options.onSweep?.(result);
        } catch (error) {
          options.onError?.(error);
          throw error;
        }
      },
    );
    await boss.schedule(followUpQueue, '* * * * *');
    await boss.send(followUpQueue);
  } catch (error) {
    await boss.stop({ graceful: false, close: true });
    throw error;
  }
  return {
    boss,
    async trigger() {
      await boss.send(followUpQueue);
    },
    sweep,
    async stop() {
      await boss.stop({ graceful: true, timeout: 5000, close: true });
    },
  };
}

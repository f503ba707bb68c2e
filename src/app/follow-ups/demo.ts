import { scope } from '../../policies/scope.ts';
import { listFollowUps } from '../../store/repos/follow-up-repo.ts';
import type { UseCaseContext } from '../context.ts';

/**
 * What the demo adds for follow-ups (`createDemoFollowUps`): nothing of its own. The reviews demo's
 * completed review has follow-ups due on the day the demo starts; the web server's schedule sweeps
 * once at start and then every minute, so they are asked — in the demo accounts' inboxes, and on
 * `/outbox` as "inbox only" unless SMTP_URL is set — in the demo's first minute. Returns the example
 * follow-ups still to ask, and when they fall due, for the demo's start-up message.
 */
export async function createDemoFollowUps(
  context: UseCaseContext,
): Promise<{ toAsk: { id: number; dueOn: string; orgCode: string }[] }> {
  const rows = await listFollowUps(context.db, scope(context.actor, 'read', 'review'), {
    state: 'scheduled',
  });
  return {
    toAsk: rows
      .filter((row) => row.is_example)
      .map((row) => ({ id: row.id, dueOn: row.due_on, orgCode: row.org_code })),
  };
}

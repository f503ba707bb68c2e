import os from 'node:os';
import type { Kysely } from 'kysely';
import { systemClock, type UseCaseContext } from '../app/context.ts';
import { operator } from '../policies/actor.ts';
import type { Database } from '../store/tables.ts';

/** `operatorLabel`: how the audit log names the person at this command line, `cli:<login name>`. */
export function operatorLabel(): string {
  try {
    const name = os.userInfo().username;
    return name ? `cli:${name}` : 'cli';
  } catch {
    return 'cli';
  }
}

/** `operatorContext`: the use-case context of a command: the store, the operator and the system clock. */
export function operatorContext(db: Kysely<Database>): UseCaseContext {
  return { db, actor: operator(operatorLabel()), clock: systemClock };
}

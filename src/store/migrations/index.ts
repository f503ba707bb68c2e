import type { Migration, MigrationProvider } from 'kysely/migration';
import * as createCoreTables from './2026_11_21_0900_create_core_tables.ts';
import * as peopleAndDialogue from './2026_11_30_0900_people_and_dialogue.ts';

/** Every migration, in order. Add new ones at the end with a later date prefix. */
const migrations: Record<string, Migration> = {
  '2026_11_21_0900_create_core_tables': createCoreTables,
  '2026_11_30_0900_people_and_dialogue': peopleAndDialogue,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

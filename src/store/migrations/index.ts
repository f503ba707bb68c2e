import type { Migration, MigrationProvider } from 'kysely/migration';
import * as createCoreTables from './2026_11_21_0900_create_core_tables.ts';
import * as peopleAndDialogue from './2026_11_30_0900_people_and_dialogue.ts';
import * as signals from './2026_12_01_0900_signals.ts';
import * as teams from './2026_12_01_0910_teams.ts';
import * as inquiries from './2026_12_01_0920_inquiries.ts';
import * as improvementAndReviews from './2026_12_02_0900_improvement_and_reviews.ts';
import * as dataPartVersions from './2026_12_02_0950_data_part_versions.ts';
import * as storeMeta from './2026_12_02_1000_store_meta.ts';
import * as circles from './2026_12_02_1100_circles.ts';
import * as boards from './2026_12_02_1110_boards.ts';
import * as keptResults from './2026_12_02_1200_kept_results.ts';
import * as peerReviews from './2026_12_03_0900_peer_reviews.ts';
import * as listeningInquiries from './2026_12_03_0910_listening_inquiries.ts';
import * as capability from './2026_12_03_0915_capability.ts';
import * as circleRowSecurity from './2026_12_03_0930_circle_row_security.ts';
import * as circleExamples from './2026_12_03_0935_circle_examples.ts';
import * as scaleIndexes from './2026_12_03_0940_scale_indexes.ts';
import * as riskSharing from './2026_12_03_0945_risk_sharing.ts';
import * as organisationGroups from './2026_12_03_0950_organisation_groups.ts';
import * as observationValuesIndex from './2026_12_04_0900_observation_values_index.ts';

/** Every migration, in order. Add new ones at the end with a later date prefix. */
const migrations: Record<string, Migration> = {
  '2026_11_21_0900_create_core_tables': createCoreTables,
  '2026_11_30_0900_people_and_dialogue': peopleAndDialogue,
  '2026_12_01_0900_signals': signals,
  '2026_12_01_0910_teams': teams,
  '2026_12_01_0920_inquiries': inquiries,
  '2026_12_02_0900_improvement_and_reviews': improvementAndReviews,
  '2026_12_02_0950_data_part_versions': dataPartVersions,
  '2026_12_02_1000_store_meta': storeMeta,
  '2026_12_02_1100_circles': circles,
  '2026_12_02_1110_boards': boards,
  '2026_12_02_1200_kept_results': keptResults,
  '2026_12_03_0900_peer_reviews': peerReviews,
  '2026_12_03_0910_listening_inquiries': listeningInquiries,
  '2026_12_03_0915_capability': capability,
  '2026_12_03_0930_circle_row_security': circleRowSecurity,
  '2026_12_03_0935_circle_examples': circleExamples,
  '2026_12_03_0940_scale_indexes': scaleIndexes,
  '2026_12_03_0945_risk_sharing': riskSharing,
  '2026_12_03_0950_organisation_groups': organisationGroups,
  '2026_12_04_0900_observation_values_index': observationValuesIndex,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

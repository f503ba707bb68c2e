import type { ColumnType, Generated } from 'kysely';
import type { CapabilityComponent } from '../domain/capability.ts';

/**
 * Table types of NHS IMPACT capability self-assessments (`Database` in tables.ts lists them;
 * migration 2026_12_03_0915_capability creates them).
 */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface CapabilityAssessmentTable {
  id: Generated<number>;
  org_code: string;
  assessed_on: string;
  created_by: number | null;
  created_by_label: string;
  created_at: Timestamp;
  is_example: Generated<boolean>;
}

export interface CapabilityRatingTable {
  id: Generated<number>;
  assessment_id: number;
  component: CapabilityComponent;
  level: number;
  evidence: string;
  support_asked: string | null;
}

export interface CapabilityTables {
  capability_assessment: CapabilityAssessmentTable;
  capability_rating: CapabilityRatingTable;
}

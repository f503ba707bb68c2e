import type { Kysely } from 'kysely';
import { quote } from '../../ingest/cells.ts';
import {
  findStagedDuplicates,
  findStagedUnknownMetrics,
  findStagedUnknownOrganisations,
} from '../../store/repos/stage-repo.ts';
import type { Database } from '../../store/tables.ts';
import type { ImportReport } from './report.ts';

/**
 * The check step: tests the staged rows against the store — organisations and metrics Tend does
 * not know, and keys that appear more than once (an error when their figures differ, a warning when
 * the repeat is exact). Returns whether there are exact repeats for the merge to drop.
 */
export async function checkStage(trx: Kysely<Database>, report: ImportReport): Promise<{ repeats: boolean }> {
  const { issue, maxIssues } = report;
  for (const unknown of await findStagedUnknownOrganisations(trx, maxIssues)) {
    report.add(
      issue(
        'UNKNOWN_ORGANISATION',
        unknown.first_row,
        null,
        `organisation ${quote(unknown.org_code)} is not known to Tend${unknown.row_count > 1 ? ` (${unknown.row_count} rows)` : ''}; import the ODS trust list first, or check the code`,
      ),
    );
  }
  for (const unknown of await findStagedUnknownMetrics(trx, maxIssues)) {
    report.add(
      issue(
        'UNKNOWN_METRIC',
        unknown.first_row,
        null,
        `metric ${quote(unknown.metric_id)} is not in the catalogue${unknown.row_count > 1 ? ` (${unknown.row_count} rows)` : ''}; list metrics with \`tend metrics\``,
      ),
    );
  }
  const duplicates = await findStagedDuplicates(trx, maxIssues);
  for (const duplicate of duplicates) {
    const [first, ...others] = duplicate.rows;
    if (duplicate.conflicting) {
      report.add(
        issue(
          'CONFLICTING_DUPLICATE',
          others[0],
          null,
          `row repeats ${duplicate.org_code} × ${duplicate.metric_id} × ${duplicate.period_start} from row ${first} with different figures (${duplicate.values.map((value) => (value === null ? 'empty' : value)).join(' vs ')}); keep one`,
        ),
      );
    } else {
      report.add(
        issue(
          'CONFLICTING_DUPLICATE',
          others[0],
          null,
          `row repeats row ${first} exactly (${duplicate.org_code} × ${duplicate.metric_id} × ${duplicate.period_start}); the repeat is ignored`,
          'warning',
        ),
      );
    }
  }
  return { repeats: duplicates.length > 0 };
}

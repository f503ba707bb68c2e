import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importFile } from '../../src/app/import-file.ts';
import type { Store } from '../../src/store/db.ts';
import { orgA } from './narratives.ts';

/**
 * Gives organisation A fifteen months of `ae-4hr-type1` through Tend's tidy template, so its chart
 * page exists for narrative tests.
 */
export async function importChartForOrganisationA(store: Store): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-narratives-'));
  const file = path.join(folder, 'raa-four-hour.csv');
  const months = Array.from({ length: 15 }, (_unused, index) => {
    const date = new Date(Date.UTC(2024, index, 1));
    return date.toISOString().slice(0, 7);
  });
  fs.writeFileSync(
    file,
    [
      'org_code,metric_id,period,value,numerator,denominator',
      ...months.map(
        (month, index) => `${orgA},ae-4hr-type1,${month},${70 + (index % 4)},${700 + 10 * (index % 4)},1000`,
      ),
    ].join('\n'),
  );
  try {
    const result = await importFile(store, file);
    assert.equal(result.outcome, 'imported', JSON.stringify(result));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** A form body, URL-encoded. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** The `<section id="narratives">` of a page, or ''. */
export function narrativeSection(html: string): string {
  return /<section id="narratives"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
}

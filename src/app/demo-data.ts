import fs from 'node:fs';
import path from 'node:path';

/**
 * The bundled demo data, in the order it must be imported: the ODS register and lookup first (so
 * organisations and ICBs exist), then A&E history and the monthly CSVs, then the Oversight Framework.
 */
export function demoFiles(dataRoot: string): string[] {
  const monthly = path.join(dataRoot, 'nhse-ae-monthly-csv-2024-25');
  const nof = path.join(dataRoot, 'nhse-nof-2025-26-mh-community');
  return [
    path.join(dataRoot, 'ods-trusts-2025', 'etr.csv'),
    path.join(dataRoot, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'),
    path.join(dataRoot, 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv'),
    ...fs
      .readdirSync(monthly)
      .filter((name) => name.endsWith('.csv'))
      .sort()
      .map((name) => path.join(monthly, name)),
    path.join(nof, 'nhs-oversight-framework-mental-health-and-community-trust-data.csv'),
    path.join(nof, 'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv'),
  ];
}

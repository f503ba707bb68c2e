import fs from 'node:fs';
import path from 'node:path';

/**
 * The bundled demo data, in the order it must be imported: the ODS register and lookup first (so
 * organisations and ICBs exist), then A&E history and the monthly CSVs, then the Oversight Framework,
 * then NHS England's other publications.
 */
export function demoFiles(dataRoot: string): string[] {
  const monthly = path.join(dataRoot, 'nhse-ae-monthly-csv-2024-25');
  const nof = path.join(dataRoot, 'nhse-nof-2025-26-mh-community');
  return [
    path.join(dataRoot, 'ods-trusts-2025', 'etr.csv'),
    path.join(dataRoot, 'ods-trusts-2025', 'trust_region_icb_lookup.csv'),
    path.join(dataRoot, 'ods-trusts-2025', 'trust_successors.csv'),
    path.join(dataRoot, 'nhse-ae-by-provider-2015-2024', 'ae_by_provider_monthly.csv'),
    ...fs
      .readdirSync(monthly)
      .filter((name) => name.endsWith('.csv'))
      .sort()
      .map((name) => path.join(monthly, name)),
    path.join(dataRoot, 'nhse-ae-monthly-csv-extra', 'Monthly-AE-2025-07.csv'),
    path.join(dataRoot, 'nhse-ae-monthly-csv-extra', 'Monthly-AE-2026-05.csv'),
    path.join(nof, 'nhs-oversight-framework-mental-health-and-community-trust-data.csv'),
    path.join(nof, 'nhs-oversight-framework-mental-health-and-community-trust-league-table.csv'),
    ...publicationFiles(dataRoot),
  ];
}

/**
 * NHS England's other publications: diagnostics, ambulance, staff survey, ICB populations, cancer,
 * beds. Files that name their providers come first, so a provider outside the ODS register is known
 * by its name; the cancer and bed files give codes only.
 */
function publicationFiles(dataRoot: string): string[] {
  const at = (folder: string, name: string) => path.join(dataRoot, folder, name);
  return [
    at('nhse-dm01-diagnostics-provider-2024-26', 'dm01_provider_monthly.csv'),
    at('nhse-dm01-diagnostics-provider-2024-26', 'dm01_provider_totals_2026-03_from_full_extract.csv'),
    at('nhse-ambsys-ambulance-2017-2025', 'ambsys_raw_2017-08_to_2025-08.csv'),
    at('nhs-staff-survey-2024-by-org', 'nss24_themes_by_org.csv'),
    at('nhs-staff-survey-2024-by-org', 'nss24_people_promise_by_org.csv'),
    at('nhse-icb-allocations-2025-26', 'icb_allocation_tool_practice_weighted_populations_2025_26.csv'),
    at('nhse-cancer-waiting-times-provider-2024-25', 'cwt_provider_headline_monthly.csv'),
    at('nhse-kh03-beds-quarterly', 'kh03_beds_by_trust_sector_2024-09_to_2025-06_from_xlsx.csv'),
  ];
}

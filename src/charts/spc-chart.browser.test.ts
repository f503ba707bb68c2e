import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumSkipReason } from '../../test/helpers/chromium.ts';
import { computeSpc } from '../engines/spc/compute-spc.ts';
import { renderSpcChart } from './spc-chart.ts';
import { renderIconSvg } from './spc-icons.ts';
import { renderSpcTable } from './spc-table.ts';

/**
 * Accessibility scan of a chart in a real browser: axe-core must find no violations in a
 * minimal page holding the chart, its data table and a standalone icon. Needs Chromium at
 * /usr/bin/chromium (Debian's `chromium` package); skipped without it on a developer's machine,
 * a failure in CI.
 */

const executablePath = chromiumPath;
const skip = chromiumSkipReason();

test('an SPC chart with its data table passes an axe scan', { skip, timeout: 120_000 }, async () => {
  const values = [92, 94, 91, 93, 95, 92, 90, 93, 94, 92, 91, 93, 92, 94, 91, 89, 88, 87, null, 86, 85, 84];
  const points = values.map((value, index) => ({
    date: new Date(Date.UTC(2022, index, 1)).toISOString().slice(0, 10),
    value,
  }));
  const series = computeSpc([
    {
      facet: 'RXX',
      points,
      target: 95,
      rebase: [{ date: '2023-07-01', reason: 'New front door streaming' }],
    },
  ]).series[0];
  const options = { metricName: 'Patients seen within 4 hours', unit: '%' };
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>SPC chart – Tend</title></head>
<body>
<main>
<h1>Patients seen within 4 hours</h1>
<figure>
${renderSpcChart(series, { ...options, id: 'four-hours', annotations: [{ date: '2022-12-01', label: 'Winter plan' }] })}
<figcaption>Statistical process control chart; the data are in the table below.</figcaption>
</figure>
${renderSpcTable(series, options)}
<p>Variation: ${renderIconSvg({ type: 'variation', icon: series.variationIcon ?? 'common_cause' })}</p>
</main>
</body>
</html>`;

  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.setContent(page);
    const results = await new AxeBuilder({ page: tab }).analyze();
    const violations = results.violations.map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
    assert.deepEqual(violations, []);
    assert.ok(results.passes.length > 0, 'axe ran its checks');
  } finally {
    await browser.close();
  }
});

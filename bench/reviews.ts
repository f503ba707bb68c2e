/**
 * Benchmark of review packs over the demo store (the bundled data with its signals computed):
 *
 * - the pack, as HTML, of every trust with a league-table position in the latest quarter held, one
 *   after another as the operator. Aim: under 10 s together. The in-run baseline is reading each of
 *   those trusts' open signals (`readSignals`), the first read every pack makes.
 * - one pack as a tagged PDF, for the trust with the most open concerns: with the browser started
 *   (warm) and from cold (Chromium launched). Aim: under 5 s. The in-run baseline is a one-line page
 *   printed by the same browser.
 *
 * On PGlite and, when DATABASE_URL is set, PostgreSQL. Run with `npm run bench -- reviews`.
 */
import { cachedAssessment, nofQuarters } from '../src/app/assessment-cache.ts';
import { demoFiles } from '../src/app/demo-data.ts';
import { importFile } from '../src/app/import-file.ts';
import { reviewPack } from '../src/app/reviews/pack.ts';
import { packDocumentHtml } from '../src/app/reviews/pack-html.ts';
import { holdPdfBrowser, htmlToPdf } from '../src/app/reviews/pack-pdf.ts';
import { computeSignals } from '../src/app/signals/compute.ts';
import { readSignals } from '../src/app/signals/read.ts';
import { frameworkIdForQuarter } from '../src/domain/quarter.ts';
import { operator } from '../src/policies/actor.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { dataDir } from '../test/helpers/paths.ts';
import { format, table } from './support.ts';

interface Row {
  what: string;
  backend: string;
  ms: number;
  ratio: number;
  note: string;
}

async function time<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function runs(store: Store, backend: string): Promise<Row[]> {
  for (const file of demoFiles(dataDir)) {
    const result = await importFile(store, file, { computeSignals: false });
    if (result.outcome !== 'imported') throw new Error(`${file} was not imported`);
  }
  await computeSignals(store.db, () => new Date());
  const context = { db: store.db, actor: operator('bench'), clock: () => new Date() };
  const quarter = (await nofQuarters(store.db))[0];
  const framework = frameworkIdForQuarter(quarter) ?? 'nof-2025-26';
  const assessment = await cachedAssessment(store.db, { framework, quarter });
  const trusts = assessment.trusts.filter((row) => row.Rank !== null).map((row) => row.Trust_code);

  const baseline = await time(async () => {
    for (const code of trusts) await readSignals(context, { orgCode: code, statuses: 'open' });
  });
  const packs = await time(async () => {
    let bytes = 0;
    let concerns = 0;
    for (const code of trusts) {
      const pack = await reviewPack(context, { org: code, quarter });
      concerns += pack.concerns.length;
      bytes += packDocumentHtml(pack, { links: false }).length;
    }
    return { bytes, concerns };
  });

  const counts = await Promise.all(
    trusts.map(async (code) => ({
      code,
      concerns: (await readSignals(context, { orgCode: code, kinds: ['concern'], statuses: 'open' })).total,
    })),
  );
  const busiest = counts.sort((a, b) => b.concerns - a.concerns)[0]?.code ?? trusts[0];
  const release = holdPdfBrowser();
  try {
    const cold = await time(async () =>
      htmlToPdf(packDocumentHtml(await reviewPack(context, { org: busiest, quarter }), { links: false })),
    );
    const floor = await time(() =>
      htmlToPdf('<!DOCTYPE html><html lang="en"><title>x</title><p>One line.</p></html>'),
    );
    const warm = await time(async () =>
      htmlToPdf(packDocumentHtml(await reviewPack(context, { org: busiest, quarter }), { links: false })),
    );
    return [
      {
        what: `read open signals of ${trusts.length} trusts (baseline)`,
        backend,
        ms: baseline.ms,
        ratio: 1,
        note: '',
      },
      {
        what: `HTML packs of ${trusts.length} trusts in the ${quarter} league tables (aim: under 10 s)`,
        backend,
        ms: packs.ms,
        ratio: packs.ms / baseline.ms,
        note: `${packs.result.concerns} concerns, ${Math.round(packs.result.bytes / 1024)} KiB`,
      },
      { what: 'a one-line page as PDF (baseline)', backend, ms: floor.ms, ratio: 1, note: '' },
      {
        what: `PDF pack of ${busiest}, browser started (aim: under 5 s)`,
        backend,
        ms: warm.ms,
        ratio: warm.ms / floor.ms,
        note: `${Math.round(warm.result.length / 1024)} KiB`,
      },
      {
        what: `PDF pack of ${busiest}, Chromium launched first (aim: under 5 s)`,
        backend,
        ms: cold.ms,
        ratio: cold.ms / floor.ms,
        note: `${Math.round(cold.result.length / 1024)} KiB`,
      },
    ];
  } finally {
    await release();
  }
}

/** Review packs: every league-table trust's HTML pack, and one PDF pack. */
export async function runReviewsBench(): Promise<void> {
  const rows: Row[] = [];
  for (const backend of process.env.DATABASE_URL
    ? (['pglite', 'postgres'] as const)
    : (['pglite'] as const)) {
    process.stderr.write(`Loading the demo data into ${backend}…\n`);
    const store = await openStore({
      databaseUrl: backend === 'postgres' ? process.env.DATABASE_URL : undefined,
      dataDir: 'memory://',
    });
    try {
      rows.push(...(await runs(store, backend)));
    } finally {
      await store.close();
    }
  }
  console.log(
    '\nReview packs over the demo store (ms; ratio = against the baseline above it on the same store)\n',
  );
  console.log(
    table(
      ['what', 'store', 'ms', 'ratio', ''],
      rows.map((row) => [row.what, row.backend, format(row.ms, 0), format(row.ratio, 1), row.note]),
    ),
  );
}

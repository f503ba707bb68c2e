/**
 * `npm run bench [-- part…] [--rows=N] [--quick]`: Tend's benchmarks. Parts: startup, import, spc, nof, signals, directory, reviews, web (default: all of these),
 * and soak (ten minutes; only when named), practice-scale (a synthetic national GP-practice store; only when named), demo-start (`tend demo` started twice; only when named or
 * with TEND_BENCH_DEMO=1).
 * Each prints its own table with ratios against a baseline measured in the same run.
 */
const parts = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
/** `--rows=N` (the import's largest file; default a million) and `--quick` (a smoke run). */
const flag = (name: string) =>
  process.argv
    .slice(2)
    .find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
    ?.split('=')[1];
const wanted = (part: string) => parts.length === 0 || parts.includes(part);

if (wanted('startup')) {
  const { runStartupBench } = await import('./startup.ts');
  await runStartupBench();
}
// `tend demo`'s first and second start (about half a minute): only when named, or with TEND_BENCH_DEMO=1.
if (parts.includes('demo-start') || (wanted('startup') && process.env.TEND_BENCH_DEMO === '1')) {
  const { runDemoStartBench } = await import('./startup.ts');
  await runDemoStartBench();
}
if (wanted('import')) {
  const { runImportBench } = await import('./import.ts');
  const rows = flag('rows') ?? process.env.TEND_BENCH_ROWS;
  await runImportBench({
    rows: rows ? Number(rows) : undefined,
    quick: process.argv.includes('--quick') || process.env.TEND_BENCH_QUICK === '1',
  });
}
if (wanted('spc')) {
  const { runSpcBench } = await import('./spc.ts');
  await runSpcBench();
}
if (wanted('nof')) {
  const { runNofBench } = await import('./nof.ts');
  await runNofBench();
}
if (wanted('signals')) {
  const { runSignalsBench } = await import('./signals.ts');
  await runSignalsBench();
}
if (wanted('directory')) {
  const { runDirectoryBench } = await import('./directory.ts');
  await runDirectoryBench();
}
if (wanted('reviews')) {
  const { runReviewsBench } = await import('./reviews.ts');
  await runReviewsBench();
}
// The synthetic national GP-practice store at 1×, 3× and 10× (PostgreSQL; long): only when named.
if (parts.includes('practice-scale')) {
  const { runPracticeScaleBench } = await import('./practice-scale.ts');
  await runPracticeScaleBench();
}
if (parts.includes('soak')) {
  const { runSoakBench } = await import('./soak.ts');
  await runSoakBench();
}
if (wanted('web')) {
  const { runWebBench } = await import('./web.ts');
  await runWebBench();
}

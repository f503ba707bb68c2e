/**
 * `npm run bench [-- part…]`: Tend's benchmarks. Parts: startup, import, spc, nof, signals, directory, reviews, web (default: all of these),
 * and soak (ten minutes; only when named), demo-start (`tend demo` started twice; only when named or
 * with TEND_BENCH_DEMO=1).
 * Each prints its own table with ratios against a baseline measured in the same run.
 */
const parts = process.argv.slice(2);
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
  await runImportBench({
    rows: process.env.TEND_BENCH_ROWS ? Number(process.env.TEND_BENCH_ROWS) : undefined,
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
if (parts.includes('soak')) {
  const { runSoakBench } = await import('./soak.ts');
  await runSoakBench();
}
if (wanted('web')) {
  const { runWebBench } = await import('./web.ts');
  await runWebBench();
}

/**
 * `npm run bench [-- part…]`: Tend's benchmarks. Parts: startup, import, spc, nof, signals, web (default: all of these),
 * and soak (ten minutes; only when named).
 * Each prints its own table with ratios against a baseline measured in the same run.
 */
const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || parts.includes(part);

if (wanted('startup')) {
  const { runStartupBench } = await import('./startup.ts');
  await runStartupBench();
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
if (parts.includes('soak')) {
  const { runSoakBench } = await import('./soak.ts');
  await runSoakBench();
}
if (wanted('web')) {
  const { runWebBench } = await import('./web.ts');
  await runWebBench();
}

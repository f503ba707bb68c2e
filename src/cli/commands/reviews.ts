import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { configFrom, type GlobalOptions, print, withStore } from '../context.ts';

interface PackOptions {
  org: string;
  quarter: string;
  format: string;
  out?: string;
}

const formats = ['html', 'pdf', 'json'] as const;

/** `tend reviews pack`: a review pack as HTML, a tagged PDF or JSON, as the operator. */
export function registerReviewCommands(program: Command): void {
  const reviews = program.command('reviews').description('Quarterly review conversations and their packs');
  reviews
    .command('pack')
    .description(
      'The review pack of an organisation for a quarter: what is improving, each concern with offers of help, the last review’s actions and follow-ups, signals since, open inquiries and the Oversight Framework position',
    )
    .requiredOption('--org <code>', 'ODS code of the organisation, e.g. RYY')
    .requiredOption('--quarter <quarter>', 'the quarter, e.g. "Q4 2025/26"')
    .option('--format <format>', 'html, pdf (tagged, A4) or json', 'html')
    .option('--out <file>', 'write to this file (a PDF needs one)')
    .action(async (options: PackOptions, command: Command) => {
      if (!(formats as readonly string[]).includes(options.format))
        throw new AppError(
          'INVALID_ARGUMENT',
          `invalid --format: ${options.format} (one of ${formats.join(', ')})`,
        );
      if (options.format === 'pdf' && !options.out)
        throw new AppError('INVALID_ARGUMENT', 'a PDF needs --out <file>: it is not written to the terminal');
      const config = configFrom(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const { operatorContext } = await import('../operator.ts');
        const { reviewPack } = await import('../../app/reviews/pack.ts');
        const pack = await reviewPack(operatorContext(store.db), {
          org: options.org,
          quarter: options.quarter,
        });
        let output: string | Buffer;
        if (options.format === 'json') output = `${JSON.stringify(pack, null, 2)}\n`;
        else {
          const { packDocumentHtml } = await import('../../app/reviews/pack-html.ts');
          const html = packDocumentHtml(pack, { links: false });
          if (options.format === 'html') output = html;
          else {
            const { holdPdfBrowser, htmlToPdf, setChromiumPath } = await import(
              '../../app/reviews/pack-pdf.ts'
            );
            setChromiumPath(config.chromiumPath);
            const release = holdPdfBrowser();
            try {
              output = await htmlToPdf(html);
            } finally {
              await release();
            }
          }
        }
        if (options.out) {
          const { writeFile } = await import('node:fs/promises');
          await writeFile(options.out, output);
          process.stderr.write(
            `Wrote the review pack of ${pack.org.code} for ${pack.quarter} to ${options.out}.\n`,
          );
        } else await print(String(output));
      });
    });
}

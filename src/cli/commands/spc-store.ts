import { AppError } from '../../errors.ts';
import type { SpcCommandOptions } from './spc.ts';

/**
 * `tend spc --org CODE --metric ID` and `tend spc --metric ID --all`: SPC for series held in
 * Tend's store. Not wired yet; the store-backed version will load each series and hand it to
 * `spcForSeries`.
 */
export async function runStoreSpc(_options: SpcCommandOptions): Promise<void> {
  throw new AppError('INVALID_ARGUMENT', 'Store-backed SPC is not available yet');
}

import { z } from 'zod';
import { SIGNAL_KINDS, SIGNAL_STATUSES, type SignalKind, type SignalStatus } from '../../domain/signal.ts';
import type { SignalFilter } from '../../store/repos/signal-repo.ts';

/** An ODS code, as every filter takes it. */
const odsCodePattern = /^[A-Za-z0-9]{2,10}$/;
/** A metric id, as every filter takes it. */
const metricIdPattern = /^[A-Za-z0-9_.-]{1,64}$/;

/** How long a signal has lasted, as the filter offers it: by the points its episode spans. */
export const SIGNAL_AGES = {
  new: { label: 'New at the latest point (1 point)', minPoints: 1, maxPoints: 1 },
  recent: { label: 'Lasting 2 to 6 points', minPoints: 2, maxPoints: 6 },
  long: { label: 'Lasting more than 6 points', minPoints: 7, maxPoints: undefined },
} as const;
export type SignalAge = keyof typeof SIGNAL_AGES;

const optionalCode = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .max(64, message)
    .refine((value) => value === '' || pattern.test(value), message)
    .optional()
    .transform((value) => (value ? value : undefined));

/** The filters of `/signals`, its CSV, `GET /api/v1/signals` and `tend signals`, as a query string or options give them. */
export const signalQuery = z.object({
  org: optionalCode(
    odsCodePattern,
    'must be an ODS code of 2 to 10 letters and digits, such as RJ1',
  ).transform((value) => value?.toUpperCase()),
  icb: optionalCode(
    odsCodePattern,
    'must be an ICB code of 2 to 10 letters and digits, such as QKK',
  ).transform((value) => value?.toUpperCase()),
  region: optionalCode(
    odsCodePattern,
    'must be a region code of 2 to 10 letters and digits, such as Y56',
  ).transform((value) => value?.toUpperCase()),
  metric: optionalCode(metricIdPattern, 'must be a metric id, such as ae-4hr-all'),
  kind: z
    .enum(['', ...SIGNAL_KINDS] as [string, ...string[]], {
      message: `must be one of ${SIGNAL_KINDS.join(', ')}`,
    })
    .optional()
    .transform((value) => (value ? (value as SignalKind) : undefined)),
  status: z
    .enum(['', 'open', 'all', ...SIGNAL_STATUSES] as [string, ...string[]], {
      message: `must be open, all, or one of ${SIGNAL_STATUSES.join(', ')}`,
    })
    .optional()
    .transform((value) => (value ? (value as SignalStatus | 'open' | 'all') : 'open')),
  age: z
    .enum(['', ...Object.keys(SIGNAL_AGES)] as [string, ...string[]], {
      message: `must be one of ${Object.keys(SIGNAL_AGES).join(', ')}`,
    })
    .optional()
    .transform((value) => (value ? (value as SignalAge) : undefined)),
  conversation: z
    .enum(['', 'open', 'none'], { message: 'must be open or none' })
    .optional()
    .transform((value) => (value ? (value as 'open' | 'none') : undefined)),
  page: z
    .string()
    .regex(/^(|[1-9]\d{0,3})$/, 'must be a page number from 1 to 9999')
    .optional()
    .transform((value) => (value ? Number(value) : 1)),
});
export type SignalQuery = z.output<typeof signalQuery>;

/** The query's filters as the store takes them. */
export function signalFilter(query: SignalQuery): SignalFilter {
  const age = query.age ? SIGNAL_AGES[query.age] : undefined;
  return {
    orgCode: query.org,
    icbCode: query.icb,
    regionCode: query.region,
    metricId: query.metric,
    kinds: query.kind ? [query.kind] : undefined,
    statuses: query.status === 'open' || query.status === 'all' ? query.status : [query.status],
    conversation: query.conversation,
    minPoints: age?.minPoints,
    maxPoints: age?.maxPoints,
  };
}

import { z } from 'zod';
import type { AuditEntry } from '../../../app/audit.ts';
import { auditActionLabel, auditEntityLabel, changedFields } from '../../../domain/audit.ts';
import { cell, type DataTable } from '../../data-table.ts';
import type { FieldError } from '../../forms.ts';

/** How many entries one page of an organisation's audit log shows (and its CSV holds). */
export const auditPageSize = 500;

/** What the audit page's address asks for: entries from a day (the date input, or `since=YYYY-MM-DD`) and a page. */
export interface AuditPageQuery {
  since?: string;
  before?: number;
  /** The date input's fields as typed, to show back. */
  values: { day: string; month: string; year: string };
  errors: FieldError[];
}

/** A query value as text; repeated or missing values read as absent. */
const queryText = z.string().trim().max(40).optional().catch(undefined);

const auditQuerySchema = z.object({
  since: queryText,
  'since-day': queryText,
  'since-month': queryText,
  'since-year': queryText,
  before: queryText,
});

function realDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * `parseAuditPageQuery`: the audit page's query, checked: a date from the three fields (or an ISO
 * `since`), and `before` an entry id. Every problem becomes a field error for the error summary.
 */
export function parseAuditPageQuery(query: unknown): AuditPageQuery {
  const parsed = auditQuerySchema.parse(query ?? {});
  const errors: FieldError[] = [];
  const parts = {
    day: parsed['since-day'] ?? '',
    month: parsed['since-month'] ?? '',
    year: parsed['since-year'] ?? '',
  };
  let since: string | undefined;
  if (parts.day || parts.month || parts.year) {
    if (!parts.day || !parts.month || !parts.year)
      errors.push({ field: 'since-day', message: 'The date must include a day, month and year' });
    else {
      const numbers = [parts.year, parts.month, parts.day];
      since =
        /^\d{4}$/.test(parts.year) && /^\d{1,2}$/.test(parts.month) && /^\d{1,2}$/.test(parts.day)
          ? realDate(Number(numbers[0]), Number(numbers[1]), Number(numbers[2]))
          : undefined;
      if (!since) errors.push({ field: 'since-day', message: 'Enter a real date, for example 1 11 2026' });
    }
  } else if (parsed.since) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(parsed.since);
    since = match ? realDate(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
    if (!since) errors.push({ field: 'since-day', message: 'Enter a real date, for example 1 11 2026' });
    else {
      const [year, month, day] = since.split('-');
      parts.year = year;
      parts.month = String(Number(month));
      parts.day = String(Number(day));
    }
  }
  let before: number | undefined;
  if (parsed.before !== undefined) {
    before = /^\d{1,15}$/.test(parsed.before) ? Number(parsed.before) : undefined;
    if (!before)
      errors.push({
        field: 'since-day',
        message: 'The link to older entries is not right: show the newest entries and follow it again',
      });
  }
  return { since, before, values: parts, errors };
}

/** Who an entry names: the person, or how the operator or a visitor was recorded. */
function who(entry: AuditEntry): string {
  if (entry.actorUserId !== null) return entry.actorName ?? `Person ${entry.actorUserId}`;
  if (entry.actorLabel === 'anonymous') return 'Not signed in';
  return `Operator (${entry.actorLabel})`;
}

/**
 * `auditTable`: the entries as a table and its CSV: time, who, action in plain English, entity, and
 * the names of the fields that changed — never their values, so an entry about a narrative says what
 * changed without showing text its reader may not read.
 */
export function auditTable(entries: readonly AuditEntry[], orgCode: string, caption: string): DataTable {
  return {
    id: 'audit',
    caption,
    captionHidden: true,
    fileName: `tend-audit-${orgCode}`,
    rowHeaderColumn: null,
    columns: [
      { label: 'Time (UTC)' },
      { label: 'Who' },
      { label: 'Action' },
      { label: 'Entity' },
      { label: 'Fields changed' },
      { label: 'Entry', csvOnly: true },
      { label: 'Action code', csvOnly: true },
    ],
    rows: entries.map((entry) => {
      const fields = changedFields(entry.before, entry.after);
      return {
        key: String(entry.id),
        cells: [
          cell(entry.at.toISOString().slice(0, 16).replace('T', ' '), { csv: entry.at.toISOString() }),
          cell(who(entry)),
          cell(auditActionLabel(entry.action)),
          cell(auditEntityLabel(entry.entityType, entry.entityId)),
          cell(fields.length ? fields.join(', ') : '—', { csv: fields.join(', ') }),
          cell(entry.id),
          cell(entry.action),
        ],
      };
    }),
  };
}

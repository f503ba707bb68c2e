import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import {
  canPublishListening,
  canReportBack,
  isConvenorWriter,
  mayConveneAnywhere,
} from '../../policies/listening-inquiry.ts';
import {
  insertListeningConcerns,
  insertListeningInquiry,
  insertListeningParticipants,
  insertListeningQuotes,
  insertListeningRawNotes,
  insertListeningThemes,
  type ListeningInquiryRow,
  updateListeningInquiry,
} from '../../store/repos/listening-repo.ts';
import { findOrganisation } from '../../store/repos/organisation-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { checkField, validationFailed, valuesOf } from './input.ts';
import { listeningResource, loadListening } from './read.ts';

/**
 * Writing listening inquiries: the convening organisation's writers (its contributors and
 * administrators; an ICB's system lead) record an inquiry as a draft, publish it with a future date
 * to report back by, and report back. Each step is one audited transaction; the audit entry never
 * copies what people said (the raw notes, themes and quotes are counted, not copied).
 */

function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

/** A row as the audit log records it: the question and state, never what people said. */
function auditView(row: ListeningInquiryRow): Record<string, unknown> {
  return {
    id: row.id,
    convenor: row.convenor_org_code,
    kind: row.kind,
    state: row.state,
    reportBackBy: row.report_back_by,
  };
}

function conflict(row: ListeningInquiryRow, what: string): AppError {
  return new AppError(
    'CONFLICT',
    `Listening inquiry ${row.id} is ${row.state.replace('_', ' ')}; it cannot ${what}.`,
  );
}

/**
 * Loads an inquiry and refuses (FORBIDDEN; NOT_FOUND when it cannot be read) anyone who does not
 * write for its convenor (`requireConvenorWriter`).
 */
export async function requireConvenorWriter(context: UseCaseContext, id: number) {
  const row = await loadListening(context, id);
  authorise(
    context,
    isConvenorWriter(context.actor, listeningResource(row)),
    'change this listening inquiry',
  );
  return row;
}

/**
 * Records a listening inquiry as a draft (`createListening`): `convenor` (ODS code), `kind` (inquiry
 * or assembly; an assembly is convened by an ICB), `question`, `participants` ([{group, count, roles,
 * names}]), `themes` ([text]), `quotes` ([{text, speaker, consent}]), `orgs` and `metrics` it concerns,
 * `whatWillChange`, `reportBackBy`, `rawNotes` (the convenor's only).
 */
export async function createListening(context: UseCaseContext, input: unknown): Promise<ListeningInquiryRow> {
  authorise(context, mayConveneAnywhere(context.actor), 'record a listening inquiry');
  const values = valuesOf(input);
  const problems: string[] = [];
  const convenorCode = checkField('convenor', values.convenor, problems);
  const convenor = convenorCode ? await findOrganisation(context.db, convenorCode) : undefined;
  if (convenorCode && !convenor) problems.push(`convenor: No organisation has the code ${convenorCode}`);
  if (convenor)
    authorise(
      context,
      isConvenorWriter(context.actor, { convenorOrgCode: convenor.code, convenorKind: convenor.kind }),
      `record a listening inquiry for ${convenor.code}`,
    );
  const kind = checkField('kind', values.kind, problems);
  if (kind === 'assembly' && convenor && convenor.kind !== 'icb')
    problems.push('kind: A listening assembly is convened by an ICB for its system');
  const question = checkField('question', values.question, problems);
  const participants = checkField('participants', values.participants, problems);
  if (participants && new Set(participants.map((each) => each.group)).size !== participants.length)
    problems.push('participants: List each group once');
  const themes = checkField('themes', values.themes ?? [], problems);
  const quotes = checkField('quotes', values.quotes ?? [], problems);
  const orgs = checkField('orgs', values.orgs ?? [], problems);
  const metrics = checkField('metrics', values.metrics ?? [], problems);
  for (const code of orgs ?? [])
    if (!(await findOrganisation(context.db, code)))
      problems.push(`orgs: No organisation has the code ${code}`);
  const whatWillChange = checkField('whatWillChange', values.whatWillChange, problems);
  const reportBackBy = checkField('reportBackBy', values.reportBackBy, problems);
  const rawNotes = checkField('rawNotes', values.rawNotes, problems);
  if (problems.length > 0 || !convenor || !kind || !question || !participants)
    throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const row = await insertListeningInquiry(trx, {
      convenor_org_code: convenor.code,
      kind,
      question,
      state: 'draft',
      what_will_change: whatWillChange ?? null,
      report_back_by: reportBackBy ?? null,
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
    });
    await insertListeningParticipants(
      trx,
      participants.map((each) => ({
        inquiry_id: row.id,
        participant_group: each.group,
        head_count: each.count,
        roles: each.roles ?? null,
        names: each.names ?? null,
      })),
    );
    await insertListeningThemes(
      trx,
      (themes ?? []).map((theme, position) => ({ inquiry_id: row.id, position, theme })),
    );
    await insertListeningQuotes(
      trx,
      (quotes ?? []).map((each, position) => ({
        inquiry_id: row.id,
        position,
        quote: each.text,
        speaker: each.speaker ?? null,
        consent_recorded: each.consent,
      })),
    );
    await insertListeningConcerns(trx, [
      ...[...new Set(orgs ?? [])].map((code) => ({ inquiry_id: row.id, org_code: code, metric_id: null })),
      ...[...new Set(metrics ?? [])].map((id) => ({ inquiry_id: row.id, org_code: null, metric_id: id })),
    ]);
    if (rawNotes) await insertListeningRawNotes(trx, row.id, rawNotes);
    return {
      result: row,
      audit: {
        action: 'listening.create',
        entityType: 'listening_inquiry',
        entityId: row.id,
        orgCode: convenor.code,
        after: {
          ...auditView(row),
          themes: themes?.length ?? 0,
          quotes: quotes?.length ?? 0,
          rawNotes: rawNotes ? `${rawNotes.length} characters, not copied to the audit log` : null,
        },
      },
    };
  });
}

/**
 * Publishes a draft (`publishListening`): `reportBackBy`, a date after today (given here or kept from
 * the draft). Its themes, what will change, and quotes with consent become public.
 */
export async function publishListening(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<ListeningInquiryRow> {
  const row = await loadListening(context, id);
  const resource = listeningResource(row);
  authorise(context, isConvenorWriter(context.actor, resource), 'publish this listening inquiry');
  if (!canPublishListening(context.actor, resource)) throw conflict(row, 'be published');
  const values = valuesOf(input);
  const problems: string[] = [];
  const given = checkField('reportBackBy', values.reportBackBy, problems);
  const reportBackBy = given ?? row.report_back_by ?? undefined;
  if (!problems.length && !reportBackBy)
    problems.push('reportBackBy: Give the date you will report back by, as YYYY-MM-DD');
  if (reportBackBy && reportBackBy <= isoDay(context.clock()))
    problems.push('reportBackBy: The date to report back by must be in the future');
  if (problems.length > 0 || !reportBackBy) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const after = await updateListeningInquiry(trx, row.id, 'draft', {
      state: 'published',
      report_back_by: reportBackBy,
      published_at: at,
    });
    if (!after) throw conflict(row, 'be published');
    return {
      result: after,
      audit: {
        action: 'listening.publish',
        entityType: 'listening_inquiry',
        entityId: row.id,
        orgCode: row.convenor_org_code,
        before: auditView(row),
        after: auditView(after),
      },
    };
  });
}

/** Reports back on a published inquiry (`reportBackListening`): `reportBack`, what changed and what did not. */
export async function reportBackListening(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<ListeningInquiryRow> {
  const row = await loadListening(context, id);
  const resource = listeningResource(row);
  authorise(context, isConvenorWriter(context.actor, resource), 'report back on this listening inquiry');
  if (!canReportBack(context.actor, resource)) throw conflict(row, 'be reported back on');
  const problems: string[] = [];
  const reportBack = checkField('reportBack', valuesOf(input).reportBack, problems);
  if (problems.length > 0 || !reportBack) throw validationFailed(problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const after = await updateListeningInquiry(trx, row.id, 'published', {
      state: 'reported_back',
      report_back_text: reportBack,
      reported_back_at: at,
    });
    if (!after) throw conflict(row, 'be reported back on');
    return {
      result: after,
      audit: {
        action: 'listening.report_back',
        entityType: 'listening_inquiry',
        entityId: row.id,
        orgCode: row.convenor_org_code,
        before: auditView(row),
        after: auditView(after),
      },
    };
  });
}

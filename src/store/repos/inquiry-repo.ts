import { type Kysely, sql } from 'kysely';
import type {
  ClosingReason,
  InquiryKind,
  InquiryState,
  Participant,
  PromptDomain,
  PromptField,
} from '../../domain/inquiry.ts';
import type { NarrativeVisibility } from '../../domain/people.ts';
import type { ContentScope } from '../../policies/scope.ts';
import type { InquiryActionRow, InquiryFactorRow, InquiryNoteRow, InquiryRow } from '../inquiry-tables.ts';
import type { Database } from '../tables.ts';
import { containsPattern } from './narrative-repo.ts';
import { inquiryScopeFilter } from './scope-filter.ts';

/**
 * Inquiries and learning reviews, with their named readers, notes, contributing factors and agreed
 * actions. Every read takes the reader's scope and filters with `inquiryScopeFilter`; notes, factors
 * and actions are read only through an inquiry the scope reads.
 */

/** An inquiry with the names of its organisation, metric and partner, and the prompt set it opened with. */
export interface InquiryWithNames extends InquiryRow {
  org_name: string;
  metric_name: string | null;
  passed_to_org_name: string | null;
  prompt_domain: PromptDomain;
  prompt_version: number;
  prompt_title: string;
  prompt_fields: PromptField[];
}

export interface InquiryFilter {
  orgCode?: string;
  metricId?: string;
  signalId?: number;
  kind?: InquiryKind;
  state?: InquiryState;
  /** Text in the title or learning summary. */
  text?: string;
  limit?: number;
}

function withNames(db: Kysely<Database>) {
  return db
    .selectFrom('inquiry')
    .innerJoin('organisation', 'organisation.code', 'inquiry.org_code')
    .innerJoin('prompt_set', 'prompt_set.id', 'inquiry.prompt_set_id')
    .leftJoin('metric', 'metric.id', 'inquiry.metric_id')
    .leftJoin('organisation as passed_to', 'passed_to.code', 'inquiry.passed_to_org_code')
    .selectAll('inquiry')
    .select([
      'organisation.name as org_name',
      'metric.name as metric_name',
      'passed_to.name as passed_to_org_name',
      'prompt_set.domain as prompt_domain',
      'prompt_set.version as prompt_version',
      'prompt_set.title as prompt_title',
      'prompt_set.fields as prompt_fields',
    ]);
}

/** One inquiry the scope reads (`findInquiry`); undefined otherwise. */
export async function findInquiry(
  db: Kysely<Database>,
  scope: ContentScope,
  id: number,
): Promise<InquiryWithNames | undefined> {
  return withNames(db).where('inquiry.id', '=', id).where(inquiryScopeFilter(scope)).executeTakeFirst();
}

/** Inquiries the scope reads (`listInquiries`), filtered, the most recently changed first. */
export async function listInquiries(
  db: Kysely<Database>,
  scope: ContentScope,
  filter: InquiryFilter = {},
): Promise<InquiryWithNames[]> {
  let query = withNames(db).where(inquiryScopeFilter(scope));
  if (filter.orgCode) query = query.where('inquiry.org_code', '=', filter.orgCode);
  if (filter.metricId) query = query.where('inquiry.metric_id', '=', filter.metricId);
  if (filter.signalId !== undefined) query = query.where('inquiry.signal_id', '=', filter.signalId);
  if (filter.kind) query = query.where('inquiry.kind', '=', filter.kind);
  if (filter.state) query = query.where('inquiry.state', '=', filter.state);
  if (filter.text) {
    const pattern = containsPattern(filter.text);
    query = query.where((eb) =>
      eb.or([eb('inquiry.title', 'ilike', pattern), eb('inquiry.learning_summary', 'ilike', pattern)]),
    );
  }
  return query
    .orderBy('inquiry.updated_at', 'desc')
    .orderBy('inquiry.id', 'desc')
    .limit(filter.limit ?? 500)
    .execute();
}

/** The people a named-only inquiry the scope reads is shared with (`inquiryReaders`). */
export async function inquiryReaders(
  db: Kysely<Database>,
  scope: ContentScope,
  inquiryId: number,
): Promise<{ id: number; email: string; display_name: string }[]> {
  return db
    .selectFrom('inquiry_reader')
    .innerJoin('inquiry', 'inquiry.id', 'inquiry_reader.inquiry_id')
    .innerJoin('app_user', 'app_user.id', 'inquiry_reader.user_id')
    .select(['app_user.id', 'app_user.email', 'app_user.display_name'])
    .where('inquiry.id', '=', inquiryId)
    .where(inquiryScopeFilter(scope))
    .orderBy('app_user.email')
    .execute();
}

/** The dated notes of an inquiry the scope reads, oldest first (`listInquiryNotes`). */
export async function listInquiryNotes(
  db: Kysely<Database>,
  scope: ContentScope,
  inquiryId: number,
): Promise<InquiryNoteRow[]> {
  return db
    .selectFrom('inquiry_note')
    .innerJoin('inquiry', 'inquiry.id', 'inquiry_note.inquiry_id')
    .selectAll('inquiry_note')
    .where('inquiry.id', '=', inquiryId)
    .where(inquiryScopeFilter(scope))
    .orderBy('inquiry_note.on_date')
    .orderBy('inquiry_note.id')
    .execute();
}

/** A contributing factor with the name of the partner organisation it is tagged to. */
export interface FactorWithPartner extends InquiryFactorRow {
  partner_org_name: string | null;
}

/** The contributing factors of an inquiry the scope reads, in the order they were added (`listInquiryFactors`). */
export async function listInquiryFactors(
  db: Kysely<Database>,
  scope: ContentScope,
  inquiryId: number,
): Promise<FactorWithPartner[]> {
  return db
    .selectFrom('inquiry_factor')
    .innerJoin('inquiry', 'inquiry.id', 'inquiry_factor.inquiry_id')
    .leftJoin('organisation as partner', 'partner.code', 'inquiry_factor.partner_org_code')
    .selectAll('inquiry_factor')
    .select('partner.name as partner_org_name')
    .where('inquiry.id', '=', inquiryId)
    .where(inquiryScopeFilter(scope))
    .orderBy('inquiry_factor.id')
    .execute();
}

/** The agreed actions of an inquiry the scope reads, in the order they were agreed (`listInquiryActions`). */
export async function listInquiryActions(
  db: Kysely<Database>,
  scope: ContentScope,
  inquiryId: number,
): Promise<InquiryActionRow[]> {
  return db
    .selectFrom('inquiry_action')
    .innerJoin('inquiry', 'inquiry.id', 'inquiry_action.inquiry_id')
    .selectAll('inquiry_action')
    .where('inquiry.id', '=', inquiryId)
    .where(inquiryScopeFilter(scope))
    .orderBy('inquiry_action.id')
    .execute();
}

/** A factor tagged to a system partner, with the inquiry it came from. */
export interface SharedIssue extends FactorWithPartner {
  inquiry_title: string;
  inquiry_state: InquiryState;
  inquiry_kind: InquiryKind;
  inquiry_is_example: boolean;
  org_code: string;
  org_name: string;
}

/**
 * A system's shared issues (`systemSharedIssues`): factors tagged with a system partner in the
 * inquiries the scope reads of the ICB's member organisations (under either mapping), or tagged to
 * a member or the ICB itself; the most recent first.
 */
export async function systemSharedIssues(
  db: Kysely<Database>,
  scope: ContentScope,
  icbCode: string,
): Promise<SharedIssue[]> {
  const members = sql`(select member_code from membership where relation in ('icb_ods','icb_nhse') and parent_code = ${icbCode})`;
  return db
    .selectFrom('inquiry_factor')
    .innerJoin('inquiry', 'inquiry.id', 'inquiry_factor.inquiry_id')
    .innerJoin('organisation', 'organisation.code', 'inquiry.org_code')
    .leftJoin('organisation as partner', 'partner.code', 'inquiry_factor.partner_org_code')
    .selectAll('inquiry_factor')
    .select([
      'partner.name as partner_org_name',
      'inquiry.title as inquiry_title',
      'inquiry.state as inquiry_state',
      'inquiry.kind as inquiry_kind',
      'inquiry.is_example as inquiry_is_example',
      'inquiry.org_code',
      'organisation.name as org_name',
    ])
    .where('inquiry_factor.control', '=', 'partner')
    .where(
      sql<boolean>`(inquiry.org_code in ${members} or inquiry_factor.partner_org_code = ${icbCode} or inquiry_factor.partner_org_code in ${members})`,
    )
    .where(inquiryScopeFilter(scope))
    .orderBy('inquiry_factor.created_at', 'desc')
    .orderBy('inquiry_factor.id', 'desc')
    .limit(200)
    .execute();
}

export interface NewInquiry {
  org_code: string;
  metric_id: string | null;
  signal_id: number | null;
  kind: InquiryKind;
  title: string;
  state: InquiryState;
  visibility: NarrativeVisibility;
  prompt_set_id: number;
  answers: Record<string, string>;
  participants: readonly Participant[];
  invited_by: number | null;
  invited_by_label: string | null;
  invitation_message: string | null;
  created_by: number | null;
  is_example?: boolean;
  at: Date;
}

/** Adds an inquiry at version 1 (`insertInquiry`). */
export async function insertInquiry(db: Kysely<Database>, inquiry: NewInquiry): Promise<InquiryRow> {
  const { at, answers, participants, ...values } = inquiry;
  return db
    .insertInto('inquiry')
    .values({
      ...values,
      answers: JSON.stringify(answers),
      participants: JSON.stringify(participants),
      accepted_at: values.state === 'invited' ? null : at,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a change to an inquiry may set. */
export interface InquiryChanges {
  title?: string;
  state?: InquiryState;
  visibility?: NarrativeVisibility;
  answers?: Record<string, string>;
  participants?: readonly Participant[];
  learning_summary?: string | null;
  closing_reason?: ClosingReason | null;
  closing_note?: string | null;
  passed_to_org_code?: string | null;
  passed_to_name?: string | null;
  follow_up_date?: string | null;
  declined_reason?: string | null;
  accepted_at?: Date | null;
  closed_at?: Date | null;
}

/**
 * Changes an inquiry that is still at `baseVersion` and moves it to the next version
 * (`advanceInquiry`); undefined when someone else changed it first.
 */
export async function advanceInquiry(
  db: Kysely<Database>,
  id: number,
  baseVersion: number,
  changes: InquiryChanges,
  at: Date,
): Promise<InquiryRow | undefined> {
  const { answers, participants, ...rest } = changes;
  return db
    .updateTable('inquiry')
    .set({
      ...rest,
      ...(answers ? { answers: JSON.stringify(answers) } : {}),
      ...(participants ? { participants: JSON.stringify(participants) } : {}),
      version: baseVersion + 1,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('version', '=', baseVersion)
    .returningAll()
    .executeTakeFirst();
}

/** Shares an inquiry with these people (`insertInquiryReaders`); people already named are kept once. */
export async function insertInquiryReaders(
  db: Kysely<Database>,
  inquiryId: number,
  userIds: readonly number[],
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('inquiry_reader')
    .values([...new Set(userIds)].map((userId) => ({ inquiry_id: inquiryId, user_id: userId })))
    .onConflict((conflict) => conflict.columns(['inquiry_id', 'user_id']).doNothing())
    .execute();
}

/** Adds a dated note to an inquiry's timeline (`insertInquiryNote`). */
export async function insertInquiryNote(
  db: Kysely<Database>,
  note: {
    inquiryId: number;
    onDate: string;
    text: string;
    writtenBy: number | null;
    writtenByLabel: string;
    at: Date;
  },
): Promise<InquiryNoteRow> {
  return db
    .insertInto('inquiry_note')
    .values({
      inquiry_id: note.inquiryId,
      on_date: note.onDate,
      text: note.text,
      written_by: note.writtenBy,
      written_by_label: note.writtenByLabel,
      written_at: note.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Adds a contributing factor (`insertInquiryFactor`). */
export async function insertInquiryFactor(
  db: Kysely<Database>,
  factor: {
    inquiryId: number;
    description: string;
    control: 'within' | 'partner';
    partnerOrgCode: string | null;
    partnerName: string | null;
    createdBy: number | null;
    at: Date;
  },
): Promise<InquiryFactorRow> {
  return db
    .insertInto('inquiry_factor')
    .values({
      inquiry_id: factor.inquiryId,
      description: factor.description,
      control: factor.control,
      partner_org_code: factor.partnerOrgCode,
      partner_name: factor.partnerName,
      created_by: factor.createdBy,
      created_at: factor.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Adds an agreed action (`insertInquiryAction`). */
export async function insertInquiryAction(
  db: Kysely<Database>,
  action: {
    inquiryId: number;
    description: string;
    owner: string;
    dueDate: string | null;
    createdBy: number | null;
    at: Date;
  },
): Promise<InquiryActionRow> {
  return db
    .insertInto('inquiry_action')
    .values({
      inquiry_id: action.inquiryId,
      description: action.description,
      owner: action.owner,
      due_date: action.dueDate,
      created_by: action.createdBy,
      created_at: action.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks an agreed action of an inquiry done (`markInquiryActionDone`); undefined when there is no such open action. */
export async function markInquiryActionDone(
  db: Kysely<Database>,
  inquiryId: number,
  actionId: number,
  at: Date,
): Promise<InquiryActionRow | undefined> {
  return db
    .updateTable('inquiry_action')
    .set({ done_at: at })
    .where('id', '=', actionId)
    .where('inquiry_id', '=', inquiryId)
    .where('done_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

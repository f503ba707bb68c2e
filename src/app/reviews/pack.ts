import { type ActionStatus, type Outcome, outcomeLabels } from '../../domain/improvement.ts';
import { type InquiryState, inquiryStateLabels, isOpenState } from '../../domain/inquiry.ts';
import { parseFinancialQuarter } from '../../domain/period.ts';
import { quarterLabelOfDate } from '../../domain/quarter.ts';
import { SIGNAL_KIND_LABELS, SIGNAL_STATUS_LABELS } from '../../domain/signal.ts';
import { describeSegment, frameworkForQuarter, type TrustExplanation } from '../../engines/nof/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import { canReadReview } from '../../policies/review.ts';
import { scope } from '../../policies/scope.ts';
import { listInquiries } from '../../store/repos/inquiry-repo.ts';
import { findOrganisation, organisationContext } from '../../store/repos/organisation-repo.ts';
import {
  listReviewActions,
  listReviewFollowUps,
  listReviewRows,
  previousHeldReview,
} from '../../store/repos/review-repo.ts';
import { explainFromStore } from '../assessment.ts';
import { cachedExplanation, nofQuarters } from '../assessment-cache.ts';
import { type CapabilityAssessmentView, latestCapabilityFor } from '../capability/capability.ts';
import type { UseCaseContext } from '../context.ts';
import { readSignals } from '../signals/read.ts';
import { type OfferOfHelp, offersOfHelp } from './help.ts';
import { fieldRules, validationFailed } from './input.ts';
import { reviewsPath } from './read.ts';

/**
 * A review pack (`reviewPack`): everything a quarterly review conversation starts from, generated
 * from the store for one organisation and quarter, framed by improvement rather than segmentation —
 * what is improving and the help on offer first, then the last review's actions and their
 * follow-ups, what has happened since (signals, open inquiries), and the Oversight Framework position
 * as context: its explanation, what changed since the last quarter and whether that is signal or
 * noise, and what would move it. Read only by those who read the organisation's reviews.
 */

/** How many offers of help every concern should carry. */
export const offersWanted = 3;

export interface PackSignal {
  id: number;
  metricId: string;
  metricName: string;
  kind: string;
  kindLabel: string;
  status: string;
  statusLabel: string;
  detail: string;
  firstDate: string;
  latestDate: string;
  points: number;
  href: string;
}

export interface PackConcern extends PackSignal {
  offers: OfferOfHelp[];
  /** Said plainly when fewer than three offers were found: a gap in the directory, never hidden. */
  gap: string | null;
}

export interface PackMove {
  metricId: string;
  name: string;
  targetSegment: number;
  currentScore: string;
  scoreNeeded: string | null;
  currentValue: string | null;
  valueNeeded: string | null;
  note: string | null;
}

export interface PackNof {
  quarter: string;
  /** Why this quarter is shown when it is not the pack's own. */
  quarterNote: string | null;
  typeLabel: string;
  segment: number | null;
  segmentMeaning: string | null;
  finalSegment: number | null;
  average: string | null;
  rank: number | null;
  peerGroupSize: number;
  sentences: string[];
  /** What changed since the previous quarter, and whether it is signal or noise. */
  change: {
    previousQuarter: string;
    previousSegment: number | null;
    currentSegment: number | null;
    previousAverage: string;
    currentAverage: string;
    verdict: 'signal' | 'noise' | 'not-tested';
    verdictText: string;
  } | null;
  changeMessage: string | null;
  /** The metrics that alone would move the segment to a better one. */
  moves: PackMove[];
}

export interface PackFollowUp {
  id: number;
  dueOn: string;
  state: string;
  outcome: Outcome | null;
  outcomeLabel: string | null;
  answer: string;
  changeMade: boolean;
  changeMadeOn: string | null;
}

export interface PackAction {
  id: number;
  description: string;
  ownerSide: string;
  ownerName: string;
  dueOn: string;
  status: ActionStatus;
  completedOn: string | null;
  supportOffered: string;
  supportBy: string | null;
  followUps: PackFollowUp[];
}

export interface PackInquiry {
  id: number;
  title: string;
  kind: string;
  state: string;
  stateLabel: string;
  metricName: string | null;
  href: string;
}

export interface ReviewPack {
  org: { code: string; name: string; kind: string; href: string };
  quarter: string;
  generatedOn: string;
  /** The review of this quarter, when there is one the reader may read. */
  review: {
    id: number;
    state: string;
    heldOn: string | null;
    overseerCode: string;
    overseerName: string;
    href: string;
  } | null;
  improving: PackSignal[];
  concerns: PackConcern[];
  /** Counts for the summary: concerns, those with three or more offers. */
  help: { concerns: number; withThreeOffers: number; offers: number };
  lastReview: {
    id: number;
    quarter: string;
    heldOn: string | null;
    followUpOn: string | null;
    href: string;
    actions: PackAction[];
  } | null;
  since: { date: string; basis: 'last-review' | 'quarter-start' };
  signalsSince: PackSignal[];
  openInquiries: PackInquiry[];
  nof: PackNof | null;
  /** Why there is no Oversight Framework position: the coverage explanation, never a blank. */
  nofMessage: string | null;
  /** The latest NHS IMPACT capability self-assessment, with the support asked for; apart from the segment. */
  capability: CapabilityAssessmentView | null;
}

const verdictText = {
  signal: 'Signal: a bigger change than its likely range explains',
  noise: 'Noise: within its likely range',
  'not-tested': 'Not tested: no likely range',
} as const;

const twoPlaces = (value: number | null | undefined) =>
  value === null || value === undefined ? null : value.toFixed(2);
const valueText = (value: number | string | null) =>
  value === null ? null : typeof value === 'number' ? String(Number(value.toFixed(2))) : value;

function packSignal(row: Awaited<ReturnType<typeof readSignals>>['rows'][number]): PackSignal {
  return {
    id: row.id,
    metricId: row.metric_id,
    metricName: row.metric_name,
    kind: row.kind,
    kindLabel: SIGNAL_KIND_LABELS[row.kind],
    status: row.status,
    statusLabel: SIGNAL_STATUS_LABELS[row.status],
    detail: row.detail,
    firstDate: row.first_date,
    latestDate: row.latest_date,
    points: row.points,
    href: `/organisations/${encodeURIComponent(row.org_code)}/metrics/${encodeURIComponent(row.metric_id)}`,
  };
}

const isoOf = (value: Date | string) => (value instanceof Date ? value.toISOString() : String(value));

/** The Oversight Framework position of the pack's quarter, or the latest held, with its explanation. */
async function nofPosition(
  context: UseCaseContext,
  orgCode: string,
  quarter: string,
): Promise<{ nof: PackNof | null; nofMessage: string | null }> {
  const held = await nofQuarters(context.db, orgCode);
  const shown = held.includes(quarter) ? quarter : held[0];
  let explanation: TrustExplanation;
  try {
    explanation = shown
      ? await cachedExplanation(context.db, {
          framework: frameworkForQuarter(shown)?.id,
          quarter: shown,
          org: orgCode,
        })
      : await explainFromStore(context.db, {
          quarter,
          framework: frameworkForQuarter(quarter)?.id,
          org: orgCode,
        });
  } catch (error) {
    if (!isAppError(error) || error.code !== 'NOT_FOUND') throw error;
    return { nof: null, nofMessage: error.message };
  }
  const change = explanation.change;
  return {
    nofMessage: null,
    nof: {
      quarter: explanation.quarter,
      quarterNote:
        explanation.quarter === quarter
          ? null
          : `Tend holds no Oversight Framework data for ${quarter}; this is the latest it holds, ${explanation.quarter}.`,
      typeLabel: explanation.trust.organisationTypeLabel,
      segment: explanation.adjustedSegment,
      segmentMeaning: describeSegment(explanation.adjustedSegment),
      finalSegment: explanation.finalSegment,
      average: twoPlaces(explanation.averageMetricScore),
      rank: explanation.rank,
      peerGroupSize: explanation.peerGroupSize,
      sentences: [...explanation.sentences],
      change: change
        ? {
            previousQuarter: change.previousQuarter,
            previousSegment: change.previousSegment,
            currentSegment: change.currentSegment,
            previousAverage: change.previousAverage.toFixed(2),
            currentAverage: change.currentAverage.toFixed(2),
            verdict: change.verdict,
            verdictText: verdictText[change.verdict],
          }
        : null,
      changeMessage: change
        ? null
        : `Tend cannot compare ${explanation.quarter} with the quarter before: it holds no average for ${explanation.trust.name} then.`,
      moves: explanation.moves
        .filter((move) => move.towards === 'better' && move.possible)
        .map((move) => ({
          metricId: move.metricId,
          name: move.name,
          targetSegment: move.targetSegment,
          currentScore: move.currentScore.toFixed(2),
          scoreNeeded: twoPlaces(move.scoreNeeded),
          currentValue: valueText(move.currentValue),
          valueNeeded: valueText(move.valueNeeded),
          note: move.note,
        })),
    },
  };
}

/**
 * The review pack of an organisation for a quarter (`reviewPack`), as a plain view model for the
 * page, the PDF, the API and the command line. `reviewId` names the review the pack is for (its own
 * quarter's); otherwise the latest review of the quarter the reader may read, if any.
 * UNAUTHENTICATED for anonymous visitors; NOT_FOUND for an unknown organisation or one whose reviews
 * the actor may not read.
 */
export async function reviewPack(
  context: UseCaseContext,
  input: { org: string; quarter: string; reviewId?: number },
): Promise<ReviewPack> {
  if (context.actor.kind === 'anonymous')
    throw new AppError('UNAUTHENTICATED', 'Sign in to read review packs.');
  const problems: string[] = [];
  const orgParsed = fieldRules.org.safeParse(input.org);
  const quarterParsed = fieldRules.quarter.safeParse(input.quarter);
  if (!orgParsed.success) problems.push('org: Give the ODS code of the organisation');
  // A review's own quarter is taken as stored; one not written as a quarter is read from its dates.
  if (!quarterParsed.success && input.reviewId === undefined)
    problems.push('quarter: Give the quarter like Q2 2026/27');
  if (!orgParsed.success || problems.length) throw validationFailed(problems);
  const organisation = await findOrganisation(context.db, orgParsed.data);
  const org = organisation && (await organisationContext(context.db, organisation.code));
  if (!organisation || !org || !canReadReview(context.actor, { org, overseer: { code: '', kind: 'region' } }))
    throw new AppError('NOT_FOUND', `There is no review pack of ${orgParsed.data} that you can read.`);
  const content = scope(context.actor, 'read', 'review');
  const reviews = await listReviewRows(context.db, content, { orgCode: organisation.code });
  const thisReview =
    (input.reviewId !== undefined
      ? reviews.find((row) => row.id === input.reviewId)
      : reviews.find((row) => row.quarter === quarterParsed.data)) ?? null;
  const quarter = quarterParsed.success
    ? quarterParsed.data
    : quarterLabelOfDate(thisReview?.held_on ?? context.clock().toISOString().slice(0, 10));
  const last = await previousHeldReview(context.db, organisation.code, quarter);
  const quarterStart = parseFinancialQuarter(quarter)?.start ?? quarter;
  const since = last?.held_on
    ? { date: last.held_on, basis: 'last-review' as const }
    : { date: quarterStart, basis: 'quarter-start' as const };

  const ownSignals = async (kinds: ('concern' | 'improvement')[] | undefined, statuses: 'open' | 'all') =>
    (await readSignals(context, { orgCode: organisation.code, kinds, statuses })).rows.filter(
      (row) => row.org_code === organisation.code,
    );
  const [open, all, inquiries, position] = await Promise.all([
    ownSignals(['concern', 'improvement'], 'open'),
    ownSignals(undefined, 'all'),
    listInquiries(context.db, scope(context.actor, 'read', 'inquiry'), { orgCode: organisation.code }),
    nofPosition(context, organisation.code, quarter),
  ]);
  const improving = open.filter((row) => row.kind === 'improvement').map(packSignal);
  const concernRows = open.filter((row) => row.kind === 'concern');
  const seenMetrics = new Set<string>();
  const concerns: PackConcern[] = [];
  for (const row of concernRows) {
    if (seenMetrics.has(row.metric_id)) continue;
    seenMetrics.add(row.metric_id);
    const offers = await offersOfHelp(context, {
      orgCode: organisation.code,
      metricId: row.metric_id,
      limit: offersWanted,
    });
    concerns.push({
      ...packSignal(row),
      offers,
      gap:
        offers.length >= offersWanted
          ? null
          : offers.length === 0
            ? `No offers of help found for ${row.metric_name}: a gap in the improvement directory.`
            : `Only ${offers.length} offer${offers.length === 1 ? '' : 's'} of help found for ${row.metric_name}, fewer than ${offersWanted}: a gap in the improvement directory.`,
    });
  }
  const signalsSince = all
    .filter((row) => row.latest_date >= since.date || isoOf(row.opened_at).slice(0, 10) >= since.date)
    .map(packSignal);

  let lastReview: ReviewPack['lastReview'] = null;
  if (last) {
    const [actions, followUps] = await Promise.all([
      listReviewActions(context.db, last.id),
      listReviewFollowUps(context.db, last.id),
    ]);
    lastReview = {
      id: last.id,
      quarter: last.quarter,
      heldOn: last.held_on,
      followUpOn: last.follow_up_on,
      href: reviewsPath(organisation.code, last.id),
      actions: actions.map((action) => ({
        id: action.id,
        description: action.description,
        ownerSide: action.owner_side,
        ownerName: action.owner_name,
        dueOn: action.due_on,
        status: action.status,
        completedOn: action.completed_on,
        supportOffered: action.support_offered,
        supportBy: action.support_by_org_code,
        followUps: followUps
          .filter((followUp) => followUp.review_action_id === action.id)
          .map((followUp) => ({
            id: followUp.id,
            dueOn: followUp.due_on,
            state: followUp.state,
            outcome: followUp.outcome,
            outcomeLabel: followUp.outcome ? outcomeLabels[followUp.outcome] : null,
            answer: followUp.state === 'answered' ? followUp.answer : '',
            changeMade: followUp.change_made,
            changeMadeOn: followUp.change_made_on,
          })),
      })),
    };
  }

  return {
    org: {
      code: organisation.code,
      name: organisation.name,
      kind: organisation.kind,
      href: `/organisations/${encodeURIComponent(organisation.code)}`,
    },
    quarter,
    generatedOn: context.clock().toISOString().slice(0, 10),
    review: thisReview
      ? {
          id: thisReview.id,
          state: thisReview.state,
          heldOn: thisReview.held_on,
          overseerCode: thisReview.overseer_org_code,
          overseerName: thisReview.overseer_name,
          href: reviewsPath(organisation.code, thisReview.id),
        }
      : null,
    improving,
    concerns,
    help: {
      concerns: concerns.length,
      withThreeOffers: concerns.filter((concern) => concern.offers.length >= offersWanted).length,
      offers: concerns.reduce((sum, concern) => sum + concern.offers.length, 0),
    },
    lastReview,
    since,
    signalsSince,
    openInquiries: inquiries
      .filter((inquiry) => isOpenState(inquiry.state))
      .map((inquiry) => ({
        id: inquiry.id,
        title: inquiry.title,
        kind: inquiry.kind,
        state: inquiry.state,
        stateLabel: inquiryStateLabels[inquiry.state as InquiryState],
        metricName: inquiry.metric_name,
        href: `/organisations/${encodeURIComponent(inquiry.org_code)}/inquiries/${inquiry.id}`,
      })),
    nof: position.nof,
    nofMessage: position.nofMessage,
    capability: (await latestCapabilityFor(context, organisation.code)) ?? null,
  };
}

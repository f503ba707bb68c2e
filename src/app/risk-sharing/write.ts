import { type ProposalDecision, proposalStatusAfter } from '../../domain/risk-sharing.ts';
import { AppError } from '../../errors.ts';
import { actorLabel, actorUserId } from '../../policies/actor.ts';
import {
  answersForIcb,
  canReadRiskSharingProposal,
  mayCreateRiskSharing,
  mayStartRiskSharing,
  partiesDecidingAs,
  type RiskSharingAction,
  writesForRiskSharing,
} from '../../policies/risk-sharing.ts';
import { directoryScope } from '../../policies/scope.ts';
import { findDirectoryEntry } from '../../store/repos/directory-repo.ts';
import {
  type AgreementRow,
  type DecisionRow,
  findProposal,
  insertAgreement,
  insertDecision,
  insertParties,
  insertProposal,
  insertRiskReview,
  listDecisions,
  markRiskReviewHeld,
  type ProposalRow,
  type RiskReviewRow,
  settleProposal,
  updateAgreement,
} from '../../store/repos/risk-sharing-repo.ts';
import { findIcb, listSystemMembers } from '../../store/repos/system-repo.ts';
import { auditedWrite, authorise, isoDay, type UseCaseContext } from '../context.ts';
import { loadPeerReview } from '../peer-reviews/read.ts';
import { checkField, checkParties, notFound, validationFailed, valuesOf } from './input.ts';
import { loadAgreement } from './read.ts';

/**
 * Writing risk-sharing agreements, each step one audited transaction (`auditedWrite`) recorded
 * against the agreement's ICB, with text recorded by length only: create a draft between the ICB's
 * providers, change it while a draft, mark it agreed or ended, add review dates and record a review
 * held, propose a rebalance between two parties — naming, if wished, a peer review or directory
 * entry as the learning partnership — and record each named party's decision, which settles the
 * proposal: agreed once both named parties agree, not agreed as soon as one disagrees.
 */

function byLabel(context: UseCaseContext): string {
  return context.actor.kind === 'user' ? context.actor.name : actorLabel(context.actor);
}

function lengthOnly(value: string | null | undefined): string | null {
  return value == null ? null : `${value.length} characters, not copied to the audit log`;
}

function conflict(what: string): AppError {
  return new AppError('CONFLICT', what);
}

/** The agreement's fields checked together (`checkAgreementFields`), shared by create and edit. */
function checkAgreementFields(values: Record<string, unknown>, problems: string[]) {
  const title = checkField('title', values.title, problems);
  const baseline = checkField('baseline', values.baseline, problems);
  const baselineThousands = checkField('baselineThousands', values.baselineThousands, problems);
  const rule = checkField('rule', values.rule, problems);
  const ruleDescription = checkField('ruleDescription', values.ruleDescription, problems);
  if (
    rule === 'described' &&
    !ruleDescription &&
    !problems.some((each) => each.startsWith('ruleDescription:'))
  )
    problems.push('ruleDescription: Describe how the parties share the risk');
  return { title, baseline, baselineThousands, rule, ruleDescription };
}

/**
 * Creates a draft agreement (`createAgreement`): `icb`, `title`, `baseline` (in words),
 * `baselineThousands` (optional, £ thousands, negative for a deficit), `rule` and, when the rule is
 * `described`, `ruleDescription`, and `parties` (at least two of the ICB's members, each with an
 * optional share or basis). The ICB's system leads and administrators, or an administrator of one
 * of the parties.
 */
export async function createAgreement(context: UseCaseContext, input: unknown): Promise<AgreementRow> {
  authorise(context, mayStartRiskSharing(context.actor), 'propose a risk-sharing agreement');
  const values = valuesOf(input);
  const problems: string[] = [];
  const icbCode = checkField('icb', values.icb, problems);
  const icb = icbCode ? await findIcb(context.db, icbCode) : undefined;
  if (icbCode && !icb) problems.push(`icb: No integrated care board has the code ${icbCode}`);
  const fields = checkAgreementFields(values, problems);
  const parties = checkParties(values, problems);
  if (icb) {
    authorise(
      context,
      mayCreateRiskSharing(
        context.actor,
        icb.code,
        parties.map((party) => party.org),
      ),
      `propose a risk-sharing agreement for ${icb.code} between these parties`,
    );
    const members = new Set(
      (await listSystemMembers(context.db, icb.code, isoDay(context.clock())))
        .filter((member) => member.kind !== 'team')
        .map((member) => member.code),
    );
    const outside = parties.filter((party) => !members.has(party.org)).map((party) => party.org);
    if (outside.length)
      problems.push(
        `parties: ${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a member of ${icb.code}`,
      );
  }
  const { title, baseline, baselineThousands, rule, ruleDescription } = fields;
  if (problems.length || !icb || !title || !baseline || !rule) throw validationFailed('agreement', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const agreement = await insertAgreement(trx, {
      icb_code: icb.code,
      title,
      baseline,
      baseline_thousands: baselineThousands ?? null,
      sharing_rule: rule,
      rule_description: ruleDescription ?? null,
      status: 'draft',
      agreed_on: null,
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
      updated_at: at,
    });
    const added = await insertParties(
      trx,
      parties.map((party) => ({
        agreement_id: agreement.id,
        org_code: party.org,
        share: party.share,
        added_at: at,
      })),
    );
    return {
      result: agreement,
      audit: {
        action: 'risk_sharing.create',
        entityType: 'risk_sharing_agreement',
        entityId: agreement.id,
        orgCode: icb.code,
        after: {
          ...agreement,
          title: lengthOnly(agreement.title),
          baseline: lengthOnly(agreement.baseline),
          rule_description: lengthOnly(agreement.rule_description),
          parties: added.map((party) => ({ org: party.org_code, share: lengthOnly(party.share) })),
        },
      },
    };
  });
}

/**
 * Loads an agreement for a write (`loadToWrite`): NOT_FOUND unless readable, FORBIDDEN unless the
 * actor writes for it in this way, CONFLICT when its status does not allow the step.
 */
async function loadToWrite(
  context: UseCaseContext,
  id: number,
  action: Exclude<RiskSharingAction, 'read'>,
  what: string,
) {
  const loaded = await loadAgreement(context, id);
  const { agreement, resource } = loaded;
  const icbStep = action === 'agree' || action === 'end';
  authorise(
    context,
    icbStep ? answersForIcb(context.actor, resource.icbCode) : writesForRiskSharing(context.actor, resource),
    what,
  );
  const allowed =
    action === 'edit' || action === 'agree'
      ? agreement.status === 'draft'
      : action === 'end'
        ? agreement.status === 'agreed'
        : agreement.status !== 'ended';
  if (!allowed)
    throw conflict(`Risk-sharing agreement ${id} is ${agreement.status}; you cannot ${what} now.`);
  return loaded;
}

/** Changes a draft's title, baseline and rule (`editAgreement`): the same fields as creating it, parties aside. */
export async function editAgreement(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<AgreementRow> {
  const { agreement } = await loadToWrite(context, id, 'edit', 'change this draft agreement');
  const problems: string[] = [];
  const { title, baseline, baselineThousands, rule, ruleDescription } = checkAgreementFields(
    valuesOf(input),
    problems,
  );
  if (problems.length || !title || !baseline || !rule) throw validationFailed('agreement', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const changed = await updateAgreement(trx, id, ['draft'], {
      title,
      baseline,
      baseline_thousands: baselineThousands ?? null,
      sharing_rule: rule,
      rule_description: ruleDescription ?? null,
      updated_at: at,
    });
    if (!changed) throw conflict(`Risk-sharing agreement ${id} is no longer a draft.`);
    return {
      result: changed,
      audit: {
        action: 'risk_sharing.edit',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        before: { baseline_thousands: agreement.baseline_thousands, sharing_rule: agreement.sharing_rule },
        after: {
          title: lengthOnly(changed.title),
          baseline: lengthOnly(changed.baseline),
          baseline_thousands: changed.baseline_thousands,
          sharing_rule: changed.sharing_rule,
          rule_description: lengthOnly(changed.rule_description),
        },
      },
    };
  });
}

/**
 * Marks a draft agreed, on the clock's day, or an agreed agreement ended (`setAgreementStatus`):
 * `status` is `agreed` or `ended`. The ICB's system leads and administrators.
 */
export async function setAgreementStatus(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<AgreementRow> {
  const problems: string[] = [];
  const status = checkField('status', valuesOf(input).status, problems);
  if (!status) {
    const { resource } = await loadAgreement(context, id);
    authorise(context, answersForIcb(context.actor, resource.icbCode), 'agree or end this agreement');
    throw validationFailed('agreement', problems);
  }
  const { agreement } = await loadToWrite(
    context,
    id,
    status === 'agreed' ? 'agree' : 'end',
    status === 'agreed' ? 'mark this agreement agreed' : 'end this agreement',
  );
  return auditedWrite(context, {}, async (trx, at) => {
    const changed = await updateAgreement(trx, id, [status === 'agreed' ? 'draft' : 'agreed'], {
      status,
      ...(status === 'agreed' ? { agreed_on: isoDay(at) } : {}),
      updated_at: at,
    });
    if (!changed) throw conflict(`Risk-sharing agreement ${id} changed meanwhile; look again.`);
    return {
      result: changed,
      audit: {
        action: status === 'agreed' ? 'risk_sharing.agree' : 'risk_sharing.end',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        before: { status: agreement.status },
        after: { status: changed.status, agreed_on: changed.agreed_on },
      },
    };
  });
}

/** Adds a review date (`addReviewDate`): `dueOn`; reminded 14 days before and once overdue. */
export async function addReviewDate(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<RiskReviewRow> {
  const { agreement } = await loadToWrite(context, id, 'review', 'add a review date to this agreement');
  const problems: string[] = [];
  const dueOn = checkField('dueOn', valuesOf(input).dueOn, problems);
  if (problems.length || !dueOn) throw validationFailed('review date', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const review = await insertRiskReview(trx, { agreement_id: id, due_on: dueOn, created_at: at });
    return {
      result: review,
      audit: {
        action: 'risk_sharing.add_review',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        after: { review: review.id, due_on: review.due_on },
      },
    };
  });
}

/** Records a review held (`recordReviewHeld`): `heldOn`, optional `notes`; no more reminders follow. */
export async function recordReviewHeld(
  context: UseCaseContext,
  id: number,
  reviewId: number,
  input: unknown,
): Promise<RiskReviewRow> {
  const { agreement } = await loadToWrite(context, id, 'review', 'record a review of this agreement');
  const values = valuesOf(input);
  const problems: string[] = [];
  const heldOn = checkField('heldOn', values.heldOn, problems);
  const notes = checkField('notes', values.notes, problems);
  if (heldOn && heldOn > isoDay(context.clock()))
    problems.push('heldOn: A review is recorded once it has been held');
  if (problems.length || !heldOn) throw validationFailed('review', problems);
  return auditedWrite(context, {}, async (trx) => {
    const held = await markRiskReviewHeld(trx, id, reviewId, { heldOn, notes: notes ?? null });
    if (!held) throw new AppError('NOT_FOUND', `Agreement ${id} has no review ${reviewId} still to hold.`);
    return {
      result: held,
      audit: {
        action: 'risk_sharing.review_held',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        after: { review: reviewId, held_on: heldOn, notes: lengthOnly(held.notes) },
      },
    };
  });
}

/**
 * Proposes a rebalance between two parties (`proposeRebalance`): `supporting` (who gives support),
 * `supported`, `amount` (£ thousands), `why`, and optionally the learning partnership — a
 * `peerReview` or `directoryEntry` the actor may read.
 */
export async function proposeRebalance(
  context: UseCaseContext,
  id: number,
  input: unknown,
): Promise<ProposalRow> {
  const { agreement, resource } = await loadToWrite(
    context,
    id,
    'propose',
    'propose a rebalance in this agreement',
  );
  const values = valuesOf(input);
  const problems: string[] = [];
  const supporting = checkField('supporting', values.supporting, problems);
  const supported = checkField('supported', values.supported, problems);
  const amount = checkField('amount', values.amount, problems);
  const why = checkField('why', values.why, problems);
  const peerReview = checkField('peerReview', values.peerReview, problems);
  const directoryEntry = checkField('directoryEntry', values.directoryEntry, problems);
  for (const [field, code] of [
    ['supporting', supporting],
    ['supported', supported],
  ] as const)
    if (code && !resource.partyCodes.includes(code))
      problems.push(`${field}: ${code} is not a party to this agreement`);
  if (supporting && supported && supporting === supported)
    problems.push('supported: A party cannot support itself; choose another party');
  if (peerReview) {
    const readable = await loadPeerReview(context, peerReview).then(
      () => true,
      () => false,
    );
    if (!readable) problems.push(`peerReview: There is no peer review ${peerReview} that you can read`);
  }
  if (
    directoryEntry &&
    !(await findDirectoryEntry(context.db, directoryScope(context.actor), directoryEntry))
  )
    problems.push(
      `directoryEntry: There is no improvement directory entry ${directoryEntry} that you can read`,
    );
  if (problems.length || !supporting || !supported || !amount || !why)
    throw validationFailed('proposal', problems);
  return auditedWrite(context, {}, async (trx, at) => {
    const proposal = await insertProposal(trx, {
      agreement_id: id,
      supporting_org_code: supporting,
      supported_org_code: supported,
      amount_thousands: amount,
      why,
      peer_review_id: peerReview ?? null,
      directory_entry_id: directoryEntry ?? null,
      status: 'open',
      created_by: actorUserId(context.actor),
      created_by_label: byLabel(context),
      created_at: at,
    });
    return {
      result: proposal,
      audit: {
        action: 'risk_sharing.propose',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        after: { ...proposal, why: lengthOnly(proposal.why) },
      },
    };
  });
}

/**
 * Records a named party's decision on an open proposal (`decideProposal`): `decision` (agree or
 * disagree), an optional `note`, and `party` when the actor may decide for both. The proposal is
 * agreed once both named parties agree, not agreed as soon as one disagrees.
 */
export async function decideProposal(
  context: UseCaseContext,
  id: number,
  proposalId: number,
  input: unknown,
): Promise<{ decision: DecisionRow; proposal: ProposalRow }> {
  const { agreement, resource } = await loadAgreement(context, id);
  const proposal = await findProposal(context.db, id, proposalId);
  if (!proposal || !canReadRiskSharingProposal(context.actor, resource, proposal))
    throw new AppError('NOT_FOUND', `Agreement ${id} has no proposal ${proposalId} that you can read.`);
  const named = [proposal.supporting_org_code, proposal.supported_org_code];
  const decided = (await listDecisions(context.db, [proposal.id])).map((each) => each.party_org_code);
  const mayDecideFor = partiesDecidingAs(context.actor, {
    status: 'open',
    supportingOrgCode: proposal.supporting_org_code,
    supportedOrgCode: proposal.supported_org_code,
    decidedBy: [],
  });
  authorise(context, mayDecideFor.length > 0, 'decide on this proposal for a party it names');
  if (proposal.status !== 'open')
    throw conflict(`Proposal ${proposalId} is ${proposal.status.replace('_', ' ')}.`);
  const values = valuesOf(input);
  const problems: string[] = [];
  const partyGiven = checkField('party', values.party, problems);
  const decision = checkField('decision', values.decision, problems);
  const note = checkField('note', values.note, problems);
  const open = mayDecideFor.filter((code) => !decided.includes(code));
  let party: string | undefined;
  if (partyGiven) {
    if (!mayDecideFor.includes(partyGiven))
      problems.push(`party: You do not decide for ${partyGiven} on this proposal`);
    else if (decided.includes(partyGiven)) problems.push(`party: ${partyGiven} has decided already`);
    else party = partyGiven;
  } else if (!problems.some((each) => each.startsWith('party:'))) {
    if (open.length === 1) party = open[0];
    else if (open.length === 0) problems.push('party: Your organisation has decided already');
    else problems.push('party: Choose the party you decide for');
  }
  if (problems.length || !party || !decision) throw validationFailed('decision', problems);
  const decidedParty = party;
  const decidedAs: ProposalDecision = decision;
  return auditedWrite(context, {}, async (trx, at) => {
    const row = await insertDecision(trx, {
      proposal_id: proposal.id,
      party_org_code: decidedParty,
      decision: decidedAs,
      note: note ?? null,
      decided_by: actorUserId(context.actor),
      decided_by_label: byLabel(context),
      decided_at: at,
    });
    if (!row) throw conflict(`${decidedParty} has decided on proposal ${proposalId} already.`);
    const all = await listDecisions(trx, [proposal.id]);
    const status = proposalStatusAfter(
      named,
      all.map((each) => ({ partyOrgCode: each.party_org_code, decision: each.decision })),
    );
    const settled = status === 'open' ? undefined : await settleProposal(trx, proposal.id, status);
    if (status !== 'open' && !settled) throw conflict(`Proposal ${proposalId} was settled meanwhile.`);
    return {
      result: { decision: row, proposal: settled ?? proposal },
      audit: {
        action: 'risk_sharing.decide',
        entityType: 'risk_sharing_agreement',
        entityId: id,
        orgCode: agreement.icb_code,
        after: {
          proposal: proposal.id,
          party: decidedParty,
          decision: decidedAs,
          note: lengthOnly(row.note),
          status,
        },
      },
    };
  });
}

export { notFound };

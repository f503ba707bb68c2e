import { isoDay, type UseCaseContext } from '../context.ts';
import {
  acceptInvitation,
  addInquiryAction,
  addInquiryFactor,
  addInquiryNote,
  closeInquiry,
  inviteInquiry,
  moveInquiry,
  openInquiry,
  updateInquiry,
} from './write.ts';

/**
 * `createDemoInquiries`: the demo's example inquiries for its home trust, each titled "Example: …",
 * in different domains and states — an invitation from national oversight into its four-hour waits
 * (accepted, with factors tagged to the ICB and to the county's social care, so they show as the
 * system's shared issues), a workforce inquiry gathering views, a closed learning review of a
 * success, and an invitation from the system lead still waiting for an answer. Returns their ids;
 * the caller marks them as examples in its own audited write.
 */
export async function createDemoInquiries(
  people: { writer: UseCaseContext; inviter: UseCaseContext; systemLead: UseCaseContext | null },
  where: { org: string; icb: string | null },
): Promise<number[]> {
  const { writer, inviter, systemLead } = people;
  const org = where.org;
  const ids: number[] = [];

  const waits = await inviteInquiry(inviter, {
    org,
    metric: 'ae-4hr-other',
    title: 'Example: four-hour waits at our urgent treatment centres',
    message: 'Example: the chart shows special cause below the lower limit for the last eight months.',
    visibility: 'public',
  });
  await acceptInvitation(writer, waits.id);
  await addInquiryNote(writer, waits.id, {
    noteDate: '2026-10-14',
    noteText: 'Example: first huddle with the urgent treatment centre leads and the county’s discharge team.',
  });
  const answers: Record<string, string> = {
    with_partners:
      'Example: people who could go home wait for a package of care; GP practices nearby have no same-day appointments after 4pm, so people come to us.',
    with_us: 'Example: one streaming nurse for three front doors in the evening.',
    partners_to_involve: 'Example: the ICB’s urgent care lead, the county council’s adult social care team',
  };
  for (const field of waits.prompt_fields) if (!answers[field.id]) delete answers[field.id];
  await moveInquiry(writer, waits.id, { state: 'gathering' });
  await updateInquiry(writer, waits.id, {
    answers,
    participants: [
      { group: 'staff', role: 'Urgent treatment centre nurse leads', count: 3 },
      { group: 'patients', role: 'People who waited more than four hours', count: 6 },
      { group: 'partners', role: 'County council discharge coordinator' },
    ],
  });
  if (where.icb)
    await addInquiryFactor(writer, waits.id, {
      factor:
        'Example: evening GP appointments were cut across the system, so more people walk in after 4pm.',
      control: 'partner',
      partner: where.icb,
    });
  await addInquiryFactor(writer, waits.id, {
    factor: 'Example: packages of home care take nine days to start.',
    control: 'partner',
    partner: 'Local authority adult social care',
  });
  await addInquiryFactor(writer, waits.id, {
    factor: 'Example: one streaming nurse covers three front doors in the evening.',
    control: 'within',
  });
  await addInquiryAction(writer, waits.id, {
    action: 'Example: a second streaming nurse from 4pm to midnight, for three months.',
    owner: 'Head of nursing, urgent care',
    due: '2027-01-31',
  });
  await moveInquiry(writer, waits.id, { state: 'actions_agreed' });
  ids.push(waits.id);

  const absence = await openInquiry(writer, {
    org,
    domain: 'workforce',
    title: 'Example: sickness absence in community nursing',
    visibility: 'public',
    participants: [
      { group: 'staff', role: 'District nurses', count: 12 },
      { group: 'staff', role: 'Team leaders', count: 3 },
    ],
  });
  await moveInquiry(writer, absence.id, { state: 'gathering' });
  await addInquiryNote(writer, absence.id, {
    noteDate: '2026-11-05',
    noteText:
      'Example: listening session with two teams; caseloads and travel time came up first, not motivation.',
  });
  ids.push(absence.id);

  const review = await openInquiry(writer, {
    org,
    kind: 'learning_review',
    title: 'Example: learning review — pressure ulcers fell after the skin-care bundle',
    visibility: 'public',
    answers: {
      expected: 'Example: a small fall as the new skin-care bundle bedded in.',
      happened: 'Example: new pressure ulcers in community care halved within four months.',
      why_differed:
        'Example: healthcare assistants led the checks and taught carers at home, which nobody had planned.',
      learn: 'Example: give the people who do the work the lead; write it up for the improvement directory.',
    },
  });
  await addInquiryFactor(writer, review.id, {
    factor: 'Example: healthcare assistants were trusted to lead the checks.',
    control: 'within',
  });
  await closeInquiry(writer, review.id, {
    closingReason: 'changed',
    followUpDate: isoDay(new Date(writer.clock().getTime() + 180 * 86_400_000)),
    learningSummary:
      'Example: success came from the people closest to patients; keep them leading and share how.',
  });
  ids.push(review.id);

  if (systemLead) {
    const budget = await inviteInquiry(systemLead, {
      org,
      domain: 'finance',
      title: 'Example: re-prioritising the community equipment budget',
      message:
        'Example: the equipment budget is forecast to overspend; can we decide together what to change?',
      visibility: 'organisation',
    });
    ids.push(budget.id);
  }
  return ids;
}

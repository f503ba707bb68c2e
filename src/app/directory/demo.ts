import {
  markChangeIdeasAsExamples,
  markEntriesAsExamples,
  openConcerns,
} from '../../store/repos/directory-repo.ts';
import { metricsHeldBy } from '../../store/repos/observation-repo.ts';
import { auditedWrite, isoDay, type UseCaseContext } from '../context.ts';
import { demoTrusts } from '../demo-accounts.ts';
import {
  type Candidate,
  candidatesForEveryMetric,
  computeMetricCandidates,
  type MetricCandidates,
} from './candidates.ts';
import { nearnesses, nearnessOf, placesOf } from './offers.ts';
import {
  addContact,
  createChangeIdea,
  createEntry,
  linkEntryChangeIdeas,
  publishEntry,
  recordAdoption,
} from './write.ts';

/** What the demo's directory examples point the review demo at: the home trust and a metric of its concern. */
export interface DemoDirectory {
  readonly focus: { readonly orgCode: string; readonly metricId: string };
  readonly entryIds: readonly number[];
}

/** Invented people for the example contacts: never real names, always example.org addresses. */
const inventedContacts = [
  { name: 'Alex Example', role: 'Example: Head of service improvement' },
  { name: 'Sam Sample', role: 'Example: Operational matron' },
  { name: 'Jo Placeholder', role: 'Example: Patient flow lead' },
  { name: 'Riley Demo', role: 'Example: Quality improvement coach' },
  { name: 'Morgan Invented', role: 'Example: Divisional director of operations' },
  { name: 'Casey Madeup', role: 'Example: Clinical lead' },
] as const;

const focusIdeas = [
  {
    name: 'Example: a daily huddle on the longest waits',
    summary:
      'Example: ten minutes each morning on the people waiting longest, with one named person to act on each.',
  },
  {
    name: 'Example: the list checked with patients',
    summary:
      'Example: every person on the list is contacted to check they still need to be seen and can come at short notice.',
  },
  {
    name: 'Example: capacity matched to demand by the hour',
    summary: 'Example: sessions and staff rotas moved to the hours and days when demand peaks.',
  },
] as const;

/** The focus metric: a metric of an open concern of the home trust with the most candidates, else the metric it holds with the most. */
async function chooseFocus(context: UseCaseContext): Promise<MetricCandidates> {
  const home = demoTrusts.home;
  const concernMetrics = (await openConcerns(context.db))
    .filter((concern) => concern.org_code === home)
    .map((concern) => concern.metric_id);
  const held = (await metricsHeldBy(context.db, home)).map((metric) => metric.id);
  const every = new Map(
    (await candidatesForEveryMetric(context.db)).map((found) => [found.metric.id, found]),
  );
  let best: MetricCandidates | null = null;
  for (const metricIds of [concernMetrics, held]) {
    for (const metricId of metricIds) {
      const found = every.get(metricId) ?? (await computeMetricCandidates(context.db, metricId));
      const others = found.candidates.filter((candidate) => candidate.code !== home).length;
      if (!best || others > best.candidates.filter((candidate) => candidate.code !== home).length)
        best = found;
    }
    if (best && best.candidates.filter((candidate) => candidate.code !== home).length >= 3) return best;
  }
  if (!best) throw new Error(`The demo's home trust ${home} holds no metric to build directory examples on.`);
  return best;
}

/** Candidates of a metric other than the home trust, nearest to it first, then in their ranking. */
async function nearestCandidates(
  context: UseCaseContext,
  found: MetricCandidates,
  count: number,
): Promise<Candidate[]> {
  const home = demoTrusts.home;
  const others = found.candidates.filter((candidate) => candidate.code !== home && candidate.kind !== 'team');
  const places = await placesOf(context.db, [home, ...others.map((candidate) => candidate.code)]);
  const self = places.get(home);
  return others
    .map((candidate, order) => ({
      candidate,
      order,
      near: nearnesses.indexOf(nearnessOf(self, places.get(candidate.code))),
    }))
    .sort((a, b) => a.near - b.near || a.order - b.order)
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * `createDemoDirectory`: the demo's example directory entries, each titled "Example: …" with invented
 * contacts at example.org (some whose email anyone may see, some only signed-in people), built on
 * organisations the candidate rules really found: at least three on the focus metric — a metric of an
 * open concern of the demo's home trust with the most candidates (or, where it has none, the metric
 * it holds with the most) — and a few on other metrics; change ideas on the focus metric linked to
 * them, and one adoption. Every entry is published, freezing its real chart. Marks them as examples.
 */
export async function createDemoDirectory(context: UseCaseContext): Promise<DemoDirectory> {
  const today = isoDay(context.clock());
  const focus = await chooseFocus(context);
  const focusCandidates = await nearestCandidates(context, focus, 4);
  const ideaIds: number[] = [];
  for (const idea of focusIdeas)
    ideaIds.push((await createChangeIdea(context, { metric: focus.metric.id, ...idea })).id);

  const plans: { found: MetricCandidates; candidate: Candidate }[] = focusCandidates.map((candidate) => ({
    found: focus,
    candidate,
  }));
  for (const metricId of ['ae-4hr-type1', 'ae-dta-12hr', 'ae-dta-4hr']) {
    if (plans.length >= 7 || metricId === focus.metric.id) continue;
    const found = await computeMetricCandidates(context.db, metricId).catch(() => null);
    const candidate = found?.candidates.find(
      (each) => each.code !== demoTrusts.home && !plans.some((plan) => plan.candidate.code === each.code),
    );
    if (found && candidate) plans.push({ found, candidate });
  }

  const entryIds: number[] = [];
  for (const [index, { found, candidate }] of plans.entries()) {
    const person = inventedContacts[index % inventedContacts.length];
    const entry = await createEntry(context, {
      org: candidate.code,
      metrics: [found.metric.id],
      source: 'facilitator',
      title: `Example: how ${candidate.name} improved ${found.metric.name.toLowerCase()}`,
      what_they_did: `Example — invented for the demo. ${candidate.name}'s chart shows ${candidate.reasons.includes('sustained_improvement') ? 'sustained improvement' : 'it consistently among the best of its peers'} (${found.metric.name}). This text is made up to show what an entry holds: a daily huddle on the longest waits, the list checked with patients, and capacity moved to the hours when demand peaks.`,
      what_did_not_work:
        'Example: extra weekend sessions without the huddle only moved the queue; a paper whiteboard was not kept up to date.',
      effort: 'Example: six months, a weekly 30-minute improvement huddle.',
      resources: 'Example: one consultant session a day reallocated; no new money.',
      period_start: candidate.to.start,
      period_end: candidate.to.end,
    });
    await addContact(context, entry.id, {
      name: person.name,
      role: person.role,
      email: `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`,
      consent_scope: index % 2 === 0 ? 'public' : 'signed_in',
      consent_recorded_on: today,
      review_by: addDays(today, 365),
    });
    if (found === focus)
      await linkEntryChangeIdeas(context, entry.id, { change_ideas: ideaIds.slice(0, 1 + (index % 3)) });
    await publishEntry(context, entry.id, { version: entry.version });
    entryIds.push(entry.id);
  }
  if (entryIds.length > 0)
    await recordAdoption(context, entryIds[0], {
      org: demoTrusts.other,
      adopted_on: addDays(today, -60),
      outcome: 'partly',
      how_it_went:
        'Example: the daily huddle helped within a month; checking the list with patients took longer than planned.',
    });

  await auditedWrite(context, {}, async (trx) => {
    await markEntriesAsExamples(trx, entryIds);
    await markChangeIdeasAsExamples(trx, ideaIds);
    return {
      result: undefined,
      audit: {
        action: 'directory.mark_examples',
        entityType: 'directory_entry',
        entityId: null,
        orgCode: null,
        after: { entries: entryIds.length, changeIdeas: ideaIds.length },
      },
    };
  });
  return { focus: { orgCode: demoTrusts.home, metricId: focus.metric.id }, entryIds };
}

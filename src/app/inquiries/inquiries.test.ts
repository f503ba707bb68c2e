import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addCast,
  addTwoOrganisations,
  type CastMember,
  type CastName,
  contextFor,
  everyReader,
  orgA,
  orgB,
} from '../../../test/helpers/narratives.ts';
import { openTestStore, resetTestStore, testBackend } from '../../../test/helpers/test-store.ts';
import { promptDomains } from '../../domain/inquiry.ts';
import { AppError } from '../../errors.ts';
import { type Actor, anonymous, operator } from '../../policies/actor.ts';
import { canReadInquiry } from '../../policies/inquiry.ts';
import { scope } from '../../policies/scope.ts';
import type { Store } from '../../store/db.ts';
import { listAuditEntries } from '../../store/repos/audit-repo.ts';
import { findInquiry, inquiryReaders } from '../../store/repos/inquiry-repo.ts';
import { organisationContext } from '../../store/repos/organisation-repo.ts';
import { signalById, upsertSignalEpisodes } from '../../store/repos/signal-repo.ts';
import { canReadMetric } from '../teams/access.ts';
import { createTeam, createTeamIndicator } from '../teams/write.ts';
import { editPromptSet, listPromptSets, promptSetFor } from './prompt-sets.ts';
import { findInquiries, getInquiry, organisationAndParent, sharedIssuesOf } from './read.ts';
import {
  acceptInvitation,
  addInquiryAction,
  addInquiryFactor,
  addInquiryNote,
  closeInquiry,
  declineInvitation,
  inviteInquiry,
  moveInquiry,
  openInquiry,
  updateInquiry,
} from './write.ts';

const clock = () => new Date('2026-12-01T10:00:00Z');

function rejectsWith(code: AppError['code'], check?: (error: AppError) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    check?.(error);
    return true;
  };
}

const accessAnswers = {
  with_partners: 'Delayed discharges: 40 medically fit patients waiting for social care packages.',
  with_us: 'Triage at the front door takes too long at night.',
};

describe(`inquiries and prompt sets (${testBackend})`, () => {
  let store: Store;
  let people: Record<CastName, CastMember>;
  const as = (actor: Actor) => contextFor(store, actor, clock);
  const auditCount = async () =>
    (await listAuditEntries(store.db, { everything: true, orgCodes: [] })).filter((entry) =>
      ['inquiry', 'prompt_set'].includes(entry.entity_type),
    ).length;

  before(async () => {
    store = await openTestStore();
    await resetTestStore(store);
    await addTwoOrganisations(store);
    people = await addCast(store, clock);
  });
  after(async () => {
    await store.close();
  });

  describe('prompt sets', () => {
    it('seeds each of the five domains with its own prompt set, with the questions the domain calls for', async () => {
      const sets = await listPromptSets(as(anonymous));
      assert.deepEqual(sets.map((set) => set.domain).sort(), [...promptDomains].sort());
      assert.equal(new Set(sets.map((set) => set.id)).size, 5);
      const labels = (domain: string) =>
        (sets.find((set) => set.domain === domain)?.fields ?? []).map((field) => field.label).join(' | ');
      assert.match(
        labels('patient_experience'),
        /Who will be in the room\?.*What do patients say\?.*What do staff say\?/,
      );
      assert.match(labels('workforce'), /workload.*morale.*teams/i);
      assert.match(labels('finance'), /What was decided\?.*Who was affected\?.*What did they say\?/);
      assert.match(labels('access_flow'), /system partners.*with us/);
      assert.match(labels('safety_quality'), /expected.*happened.*differ.*learn/);
      // No two domains ask the same questions.
      assert.equal(new Set(promptDomains.map(labels)).size, 5);
    });

    it('chooses the prompt set from the metric’s domain', async () => {
      const ae = await promptSetFor(as(anonymous), {
        metric: {
          name: 'A&E 4-hour performance, type 1',
          domain: 'Urgent and emergency care',
          subdomain: '4-hour standard',
        },
      });
      assert.equal(ae.domain, 'access_flow');
      const staff = await promptSetFor(as(anonymous), {
        metric: { name: 'Sickness absence rate', domain: 'People and workforce', subdomain: null },
      });
      assert.equal(staff.domain, 'workforce');
      assert.equal((await promptSetFor(as(anonymous), { kind: 'learning_review' })).domain, 'safety_quality');
    });

    it('lets only national oversight and the operator edit, each edit a new version that leaves open inquiries on theirs', async () => {
      const before = await openInquiry(as(people.contributorA.actor), {
        org: orgA,
        metric: 'ae-4hr-type1',
        title: 'Waits before the prompt change',
        visibility: 'organisation',
      });
      assert.equal(before.prompt_domain, 'access_flow');
      const oldVersion = before.prompt_version;
      const oldLabels = before.prompt_fields.map((field) => field.label);
      const edit = {
        title: 'What sits with partners, and with us',
        description: 'A revised set.',
        fields: [
          {
            id: 'with_partners',
            label: 'What sits with partners?',
            help: '',
            type: 'textarea',
            required: true,
          },
          {
            id: 'front_door',
            label: 'What happens at our front door?',
            help: 'New.',
            type: 'textarea',
            required: false,
          },
        ],
      };
      for (const who of ['contributorA', 'adminA', 'oversightRegionA', 'systemLeadA'] as const)
        await assert.rejects(
          editPromptSet(as(people[who].actor), 'access_flow', edit),
          rejectsWith('FORBIDDEN'),
        );
      await assert.rejects(editPromptSet(as(anonymous), 'access_flow', edit), rejectsWith('UNAUTHENTICATED'));
      const audits = await auditCount();
      const saved = await editPromptSet(as(people.nationalOversight.actor), 'access_flow', edit);
      assert.equal(saved.version, oldVersion + 1);
      assert.equal(await auditCount(), audits + 1);
      const again = await editPromptSet(as(operator('test')), 'access_flow', { ...edit, title: 'Third' });
      assert.equal(again.version, oldVersion + 2);

      const reread = await getInquiry(as(people.contributorA.actor), before.id);
      assert.equal(reread.inquiry.prompt_version, oldVersion);
      assert.deepEqual(
        reread.inquiry.prompt_fields.map((field) => field.label),
        oldLabels,
      );
      const after = await openInquiry(as(people.contributorA.actor), {
        org: orgA,
        metric: 'ae-4hr-type1',
        title: 'Waits after the prompt change',
        visibility: 'organisation',
      });
      assert.equal(after.prompt_version, oldVersion + 2);
      assert.deepEqual(
        after.prompt_fields.map((field) => field.id),
        ['with_partners', 'front_door'],
      );
    });

    it('lists every problem with a prompt set at once', async () => {
      await assert.rejects(
        editPromptSet(as(people.nationalOversight.actor), 'finance', {
          title: '',
          description: '',
          fields: [
            { id: 'Bad Id', label: '' },
            { id: 'ok', label: 'Fine', type: 'textarea' },
            { id: 'ok', label: 'Again', type: 'input' },
          ],
        }),
        rejectsWith('VALIDATION_FAILED', (error) => {
          assert.equal(error.details.length, 4, error.details.join('\n'));
        }),
      );
    });
  });

  describe('opening, inviting and working on an inquiry', () => {
    it('lets the organisation’s writers open one, refuses others, and lists every problem at once', async () => {
      for (const who of [
        'memberA',
        'contributorB',
        'oversightRegionA',
        'systemLeadA',
        'facilitator',
      ] as const)
        await assert.rejects(
          openInquiry(as(people[who].actor), { org: orgA, title: 'Not mine', visibility: 'public' }),
          rejectsWith('FORBIDDEN'),
        );
      await assert.rejects(
        openInquiry(as(people.contributorA.actor), {
          org: orgA,
          kind: 'verdict',
          title: '',
          metric: 'no-such-metric',
          visibility: 'everyone',
          participants: [{ group: 'managers', role: 'x' }],
        }),
        rejectsWith('VALIDATION_FAILED', (error) => {
          const fields = error.details.map((detail) => detail.split(':')[0]);
          assert.deepEqual(fields, ['kind', 'title', 'metric', 'visibility', 'participants']);
        }),
      );
    });

    it('takes an invitation from oversight through acceptance, notes, factors, actions and closing, one audit entry per write', async () => {
      const invited = await inviteInquiry(as(people.oversightRegionA.actor), {
        org: orgA,
        metric: 'ae-4hr-type1',
        title: 'Four-hour waits since October',
        message: 'The chart shows special cause since October.',
        visibility: 'public',
      });
      assert.equal(invited.state, 'invited');
      assert.equal(invited.invited_by, people.oversightRegionA.id);
      assert.equal(invited.prompt_domain, 'access_flow');
      // An invitation is not public until accepted.
      await assert.rejects(getInquiry(as(anonymous), invited.id), rejectsWith('NOT_FOUND'));
      await assert.rejects(getInquiry(as(people.contributorB.actor), invited.id), rejectsWith('NOT_FOUND'));
      // Oversight of another region may not invite; the organisation's member may not accept.
      await assert.rejects(
        inviteInquiry(as(people.oversightRegionA.actor), {
          org: orgB,
          title: 'Not my region',
          visibility: 'organisation',
        }),
        rejectsWith('FORBIDDEN'),
      );
      await assert.rejects(acceptInvitation(as(people.memberA.actor), invited.id), rejectsWith('FORBIDDEN'));
      await assert.rejects(
        addInquiryNote(as(people.contributorA.actor), invited.id, { noteText: 'Too early' }),
        rejectsWith('CONFLICT'),
      );

      const audits = await auditCount();
      const accepted = await acceptInvitation(as(people.contributorA.actor), invited.id);
      assert.equal(accepted.state, 'opened');
      assert.ok(accepted.accepted_at);
      await assert.rejects(
        acceptInvitation(as(people.contributorA.actor), invited.id),
        rejectsWith('CONFLICT'),
      );
      await updateInquiry(as(people.contributorA.actor), invited.id, {
        answers: accessAnswers,
        participants: [
          { group: 'staff', role: 'ED matron', count: 1 },
          { group: 'partners', role: 'Social care discharge lead', name: 'Sam Patel' },
        ],
      });
      await moveInquiry(as(people.contributorA.actor), invited.id, { state: 'gathering' });
      await addInquiryNote(as(people.contributorA.actor), invited.id, {
        noteDate: '2026-11-20',
        noteText: 'Met the discharge team.',
      });
      await addInquiryFactor(as(people.contributorA.actor), invited.id, {
        factor: 'Social care packages take 9 days to start.',
        control: 'partner',
        partner: 'Local authority social care',
      });
      await addInquiryFactor(as(people.contributorA.actor), invited.id, {
        factor: 'The ICB’s discharge-to-assess beds are full.',
        control: 'partner',
        partner: 'QAA',
      });
      await addInquiryFactor(as(people.contributorA.actor), invited.id, {
        factor: 'Night triage',
        control: 'within',
      });
      await assert.rejects(
        moveInquiry(as(people.contributorA.actor), invited.id, { state: 'actions_agreed' }),
        rejectsWith('VALIDATION_FAILED'),
      );
      await addInquiryAction(as(people.contributorA.actor), invited.id, {
        action: 'Second triage nurse at night',
        owner: 'ED matron',
        due: '2027-01-31',
      });
      await moveInquiry(as(people.contributorA.actor), invited.id, { state: 'actions_agreed' });
      await assert.rejects(
        closeInquiry(as(people.contributorA.actor), invited.id, { closingReason: 'outside_control' }),
        rejectsWith('VALIDATION_FAILED', (error) => {
          const fields = error.details.map((detail) => detail.split(':')[0]);
          assert.deepEqual(fields.sort(), ['followUpDate', 'learningSummary', 'passedTo'].sort());
        }),
      );
      const closed = await closeInquiry(as(people.contributorA.actor), invited.id, {
        closingReason: 'outside_control',
        passedTo: 'qaa',
        followUpDate: '2027-02-15',
        learningSummary: 'Most of the wait is for social care; night triage is ours.',
      });
      assert.equal(closed.state, 'closed');
      assert.equal(closed.passed_to_org_code, 'QAA');
      assert.equal(closed.follow_up_date, '2027-02-15');
      // accept, update, move, note, 3 factors, action, move, close: ten writes, ten entries.
      assert.equal(await auditCount(), audits + 10);
      await assert.rejects(
        addInquiryNote(as(people.contributorA.actor), invited.id, { noteText: 'After closing' }),
        rejectsWith('CONFLICT'),
      );

      const detail = await getInquiry(as(anonymous), invited.id);
      assert.equal(detail.notes.length, 1);
      assert.equal(detail.factors.length, 3);
      assert.equal(detail.actions.length, 1);
      assert.deepEqual(detail.permissions, { respond: false, work: false });
      assert.equal(detail.inquiry.answers.with_partners, accessAnswers.with_partners);

      // The factors tagged to a partner are the ICB's shared issues; the one within control is not.
      const issues = await sharedIssuesOf(as(anonymous), 'QAA');
      assert.deepEqual(
        issues
          .filter((issue) => issue.inquiry_id === invited.id)
          .map((issue) => issue.partner_org_code ?? issue.partner_name)
          .sort(),
        ['Local authority social care', 'QAA'],
      );
      assert.equal(
        (await sharedIssuesOf(as(anonymous), 'QBB')).some((issue) => issue.inquiry_id === invited.id),
        false,
      );
    });

    it('lets the organisation decline an invitation with a reason', async () => {
      const invited = await inviteInquiry(as(people.systemLeadA.actor), {
        org: orgA,
        title: 'Finance recovery',
        domain: 'finance',
        visibility: 'organisation',
      });
      assert.equal(invited.prompt_domain, 'finance');
      await assert.rejects(
        declineInvitation(as(people.adminA.actor), invited.id, { reason: '' }),
        rejectsWith('VALIDATION_FAILED'),
      );
      const declined = await declineInvitation(as(people.adminA.actor), invited.id, {
        reason: 'We reviewed this last month with the ICB.',
      });
      assert.equal(declined.state, 'declined');
      assert.equal(declined.declined_reason, 'We reviewed this last month with the ICB.');
    });

    it('marks the signal it is opened from, and closes the signal when the inquiry closes', async () => {
      await upsertSignalEpisodes(
        store.db,
        [
          {
            orgCode: orgA,
            metricId: 'ae-4hr-type1',
            kind: 'concern',
            firstDate: '2026-06-01',
            latestDate: '2026-10-01',
            points: 5,
            latestValue: 61,
            detail: 'Five points below the lower limit',
          },
        ],
        clock(),
      );
      const signalId = (
        await store.db
          .selectFrom('signal')
          .select('id')
          .where('org_code', '=', orgA)
          .executeTakeFirstOrThrow()
      ).id;
      await assert.rejects(
        openInquiry(as(people.contributorA.actor), {
          org: orgA,
          signal: signalId,
          metric: 'ae-4hr-all',
          title: 'x',
          visibility: 'public',
        }),
        rejectsWith('VALIDATION_FAILED', (error) =>
          assert.match(error.details.join(), /signal: .*another metric/),
        ),
      );
      const opened = await openInquiry(as(people.contributorA.actor), {
        org: orgA,
        signal: signalId,
        title: 'From the concern',
        visibility: 'public',
        answers: accessAnswers,
      });
      assert.equal(opened.metric_id, 'ae-4hr-type1', 'the metric comes from the signal');
      assert.equal((await signalById(store.db, signalId))?.status, 'inquiry_opened');
      await closeInquiry(as(people.contributorA.actor), opened.id, {
        closingReason: 'understood',
        followUpDate: '2027-03-01',
        learningSummary: 'Seasonal.',
      });
      const signal = await signalById(store.db, signalId);
      assert.equal(signal?.status, 'closed');
      assert.equal(signal?.closed_reason, 'inquiry_closed');
    });
  });

  describe('who reads what', () => {
    it('keeps an inquiry about a team’s organisation-only indicator from those who may not read the indicator', async () => {
      const team = await createTeam(as(operator('test')), { org: orgA, name: 'Maternity' });
      const indicator = await createTeamIndicator(as(operator('test')), team.code, {
        name: 'Continuity of carer',
        definition: 'Women seen by the same midwife through pregnancy, per 100 births',
        unit: '%',
        direction: 'higher_is_better',
        whyItMatters: 'Trust between a woman and her midwife',
        visibility: 'organisation',
      });
      const opened = await openInquiry(as(operator('test')), {
        org: team.code,
        metric: indicator.metric_id,
        title: 'Continuity fell in the spring',
        visibility: 'public',
      });
      assert.equal(opened.metric_id, indicator.metric_id);
      const readers = (
        await Promise.all(
          everyReader(people).map(async (reader) =>
            (await findInquiries(as(reader.actor), { org: team.code })).length ? reader.name : null,
          ),
        )
      )
        .filter(Boolean)
        .sort();
      // The indicator's readers: the team's and the organisation's people and A's overseers.
      assert.deepEqual(readers, [
        'adminA',
        'contributorA',
        'memberA',
        'nationalOversight',
        'operator',
        'oversightRegionA',
        'systemLeadA',
      ]);
      await assert.rejects(getInquiry(as(anonymous), opened.id), rejectsWith('NOT_FOUND'));
      // An organisation-only inquiry of the team: the team's organisation's people and overseers read it.
      const teamOnly = await openInquiry(as(people.adminA.actor), {
        org: team.code,
        title: 'Rota gaps in the team',
        visibility: 'organisation',
      });
      for (const who of ['memberA', 'systemLeadA', 'oversightRegionA'] as const)
        assert.equal((await getInquiry(as(people[who].actor), teamOnly.id)).inquiry.id, teamOnly.id, who);
      await assert.rejects(getInquiry(as(people.memberB.actor), teamOnly.id), rejectsWith('NOT_FOUND'));
      // The organisation's admin works on its team's inquiry; its contributor does not.
      assert.equal((await getInquiry(as(people.adminA.actor), teamOnly.id)).permissions.work, true);
      assert.equal((await getInquiry(as(people.contributorA.actor), teamOnly.id)).permissions.work, false);
      // Someone who may not read the indicator cannot open an inquiry about it either.
      await assert.rejects(
        inviteInquiry(as(people.oversightRegionA.actor), {
          org: team.code,
          metric: 'team.NOPE.x',
          title: 'x',
          visibility: 'public',
        }),
        rejectsWith('VALIDATION_FAILED'),
      );
    });

    it('lists exactly the inquiries each reader may read, as the per-item rule says', async () => {
      const writer = as(people.contributorA.actor);
      const made: number[] = [];
      for (const visibility of ['public', 'organisation', 'named'] as const) {
        made.push(
          (
            await openInquiry(writer, {
              org: orgA,
              title: `Scope ${visibility}`,
              visibility,
              readers: visibility === 'named' ? [people.memberB.email] : undefined,
            })
          ).id,
        );
        made.push(
          (
            await inviteInquiry(as(people.nationalOversight.actor), {
              org: orgA,
              title: `Invited ${visibility}`,
              visibility,
              readers: visibility === 'named' ? [people.memberA.email] : undefined,
            })
          ).id,
        );
      }
      const org = await organisationContext(store.db, orgA);
      assert.ok(org);
      const all = await findInquiries(as(operator('test')), {});
      for (const reader of everyReader(people)) {
        const listed = new Set((await findInquiries(as(reader.actor), {})).map((each) => each.id));
        for (const inquiry of all) {
          const readers = await inquiryReaders(
            store.db,
            scope(operator('test'), 'read', 'inquiry'),
            inquiry.id,
          );
          const place = await organisationAndParent(as(reader.actor), inquiry.org_code);
          const allowed = canReadInquiry(reader.actor, {
            org: place.org ?? org,
            parent: place.parent,
            state: inquiry.state,
            visibility: inquiry.visibility,
            createdBy: inquiry.created_by,
            invitedBy: inquiry.invited_by,
            readerIds: readers.map((each) => each.id),
            metricReadable:
              inquiry.metric_id === null || (await canReadMetric(as(reader.actor), inquiry.metric_id)),
          });
          assert.equal(
            listed.has(inquiry.id),
            allowed,
            `${reader.name} and inquiry ${inquiry.id} (${inquiry.title})`,
          );
          const one = await findInquiry(store.db, scope(reader.actor, 'read', 'inquiry'), inquiry.id);
          assert.equal(one !== undefined, allowed, `${reader.name} reading inquiry ${inquiry.id}`);
        }
      }
      // Written out by hand for the named-only pair: whoever opened or invited, and the people named.
      const namedOpened = made[4];
      const namedInvited = made[5];
      const readersOf = async (id: number) =>
        (
          await Promise.all(
            everyReader(people).map(async (reader) =>
              (await findInquiries(as(reader.actor), {})).some((each) => each.id === id) ? reader.name : null,
            ),
          )
        )
          .filter(Boolean)
          .sort();
      assert.deepEqual(await readersOf(namedOpened), ['contributorA', 'memberB', 'operator']);
      assert.deepEqual(await readersOf(namedInvited), ['memberA', 'nationalOversight', 'operator']);
      // A public invitation is read like an organisation-only one until it is accepted.
      assert.deepEqual(await readersOf(made[1]), [
        'adminA',
        'contributorA',
        'memberA',
        'nationalOversight',
        'operator',
        'oversightRegionA',
        'systemLeadA',
      ]);
    });
  });
});

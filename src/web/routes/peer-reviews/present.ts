import type { PeerReviewDetail } from '../../../app/peer-reviews/read.ts';
import {
  peerFindingKinds,
  peerReviewFocuses,
  peerReviewFocusLabels,
  peerReviewStageLabels,
  peerReviewStages,
  peerReviewThemeLabels,
  peerTeamRoleLabels,
  peerTeamRoles,
  stageReached,
  themesOf,
} from '../../../domain/peer-review.ts';
import type { PeerReviewWithHost } from '../../../store/repos/peer-review-repo.ts';
import { errorsByField, type FieldError } from '../../forms.ts';
import { dayText } from '../follow-ups/present.ts';

/**
 * View models of the peer review pages: the list (published ones, and the reader's own), the form to
 * start one, and one review with its stage timeline, team by role, questions, findings per theme,
 * recommendations, action plan, progress review, what is public, and the forms for each stage.
 */

export type FormValues = Record<string, string>;

export const peerReviewsPath = '/peer-reviews';
export function peerReviewPath(id: number): string {
  return `${peerReviewsPath}/${id}`;
}

function summaryView(row: PeerReviewWithHost) {
  return {
    id: row.id,
    href: peerReviewPath(row.id),
    title: row.title,
    hostName: row.host_name,
    hostCode: row.host_org_code,
    stage: peerReviewStageLabels[row.stage],
    focus: peerReviewFocusLabels[row.focus],
    isExample: row.is_example,
  };
}

/** The list page's view model (`presentPeerReviews`). */
export function presentPeerReviews(
  lists: { published: PeerReviewWithHost[]; yours: PeerReviewWithHost[] },
  signedIn: boolean,
) {
  return {
    pageName: 'Peer reviews',
    published: lists.published.map(summaryView),
    yours: lists.yours.map(summaryView),
    signedIn,
  };
}

/** The new review form's view model (`presentNewPeerReview`). */
export function presentNewPeerReview(options: {
  values?: FormValues;
  errors?: FieldError[];
  orgs: { code: string; name: string }[];
}) {
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  return {
    pageName: 'Start a peer review',
    action: peerReviewsPath,
    orgItems: options.orgs.map((org) => ({
      value: org.code,
      text: `${org.name} (${org.code})`,
      selected: values.org === org.code,
    })),
    focusItems: peerReviewFocuses.map((focus) => ({
      value: focus,
      text: peerReviewFocusLabels[focus],
      checked: values.focus === focus,
    })),
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

/** One review's page view model (`presentPeerReview`). */
export function presentPeerReview(
  detail: PeerReviewDetail,
  options: { values?: FormValues; errors?: FieldError[]; form?: string } = {},
) {
  const { review } = detail;
  const values = options.values ?? {};
  const errors = options.errors ?? [];
  const themes = themesOf(review.focus);
  const timeline = [
    { stage: 'Scoping', when: `By ${dayText(review.scoping_by)}`, done: stageReached(review.stage, 'team') },
    { stage: 'Peer team', when: '', done: stageReached(review.stage, 'on_site') },
    {
      stage: 'On-site days',
      when: `${dayText(review.on_site_from)} to ${dayText(review.on_site_to)}`,
      done: stageReached(review.stage, 'on_site'),
    },
    { stage: 'Findings and recommendations', when: '', done: stageReached(review.stage, 'report_published') },
    {
      stage: 'Report and action plan',
      when: review.report_published_on
        ? `Published ${dayText(review.report_published_on)}`
        : `Due by ${dayText(review.report_due)}`,
      done: stageReached(review.stage, 'report_published'),
    },
    {
      stage: 'Progress review',
      when: review.progress_published_on
        ? `Published ${dayText(review.progress_published_on)}`
        : review.progress_due
          ? `Due by ${dayText(review.progress_due)}`
          : 'About ten months after the report',
      done: stageReached(review.stage, 'progress_published'),
    },
  ];
  const findingsByTheme = themes.map((theme) => ({
    theme,
    label: peerReviewThemeLabels[theme],
    findings: detail.findings
      .filter((each) => each.theme === theme && each.kind === 'finding')
      .map((each) => ({ body: each.body, author: each.author_label })),
    recommendations: detail.findings
      .filter((each) => each.theme === theme && each.kind === 'recommendation')
      .map((each) => ({ body: each.body, author: each.author_label })),
  }));
  const stageIndex = peerReviewStages.indexOf(review.stage);
  const canRun = detail.may.run;
  return {
    pageName: review.title,
    review: {
      id: review.id,
      title: review.title,
      hostName: review.host_name,
      hostHref: `/organisations/${encodeURIComponent(review.host_org_code)}`,
      focus: peerReviewFocusLabels[review.focus],
      stage: review.stage,
      stageLabel: peerReviewStageLabels[review.stage],
      questions: review.questions ? review.questions.split('\n').filter((line) => line.trim()) : [],
      reportSummary: review.report_summary,
      progressSummary: review.progress_summary,
      isExample: review.is_example,
      publicText: [
        `The report (summary, findings and recommendations): ${review.public_report ? 'public' : 'not public'}`,
        `The action plan: ${review.public_action_plan ? 'public' : 'not public'}`,
        `The progress review: ${review.public_progress ? 'public' : 'not public'}`,
      ],
      published: stageReached(review.stage, 'report_published'),
      onSiteFrom: review.on_site_from,
      onSiteTo: review.on_site_to,
    },
    timeline,
    team: detail.team.map((member) => ({
      name: detail.may.wholeReview ? member.name : '',
      role: peerTeamRoleLabels[member.role],
      org: member.org_name ? `${member.org_name} (${member.org_code})` : 'No organisation given',
      state: { invited: 'Invited', accepted: 'Accepted', declined: 'Declined', named: 'On the team' }[
        member.state
      ],
    })),
    sections: detail.sections,
    findingsByTheme,
    anyFindings: detail.findings.length > 0,
    actions: detail.actions.map((action) => ({
      description: action.description,
      owner: action.owner_name,
      due: dayText(action.due_on),
      followUpHref:
        detail.may.wholeReview && action.follow_up_id ? `/follow-ups/${action.follow_up_id}` : null,
    })),
    may: {
      ...detail.may,
      addMember: canRun && stageIndex < peerReviewStages.indexOf('report_published'),
      confirmOnSite: canRun && stageIndex < peerReviewStages.indexOf('on_site'),
      publishReport: canRun && review.stage === 'findings',
      publishProgress: canRun && review.stage === 'report_published',
    },
    roleItems: [
      { value: '', text: 'Choose a role', selected: !values.role },
      ...peerTeamRoles.map((role) => ({
        value: role,
        text: peerTeamRoleLabels[role],
        selected: values.role === role,
      })),
    ],
    themeItems: themes.map((theme) => ({
      value: theme,
      text: peerReviewThemeLabels[theme],
      checked: values.theme === theme,
    })),
    kindItems: peerFindingKinds.map((kind) => ({
      value: kind,
      text: kind === 'finding' ? 'A finding' : 'A recommendation',
      checked: values.kind === kind,
    })),
    actionRows: [1, 2, 3],
    action: peerReviewPath(review.id),
    form: options.form ?? '',
    values,
    errors,
    fieldErrors: errorsByField(errors),
  };
}

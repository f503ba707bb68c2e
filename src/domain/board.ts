/** Ethical reflection boards: who sits on them and the states commentary moves through. */

export const boardMemberRoles = ['staff', 'patient', 'lay'] as const;
export type BoardMemberRole = (typeof boardMemberRoles)[number];

export const boardMemberRoleLabels: Record<BoardMemberRole, string> = {
  staff: 'Staff member',
  patient: 'Patient',
  lay: 'Lay member',
};

export const boardCommentaryStates = ['draft', 'in_moderation', 'published', 'restricted'] as const;
export type BoardCommentaryState = (typeof boardCommentaryStates)[number];

export const boardCommentaryStateLabels: Record<BoardCommentaryState, string> = {
  draft: 'Draft',
  in_moderation: 'In moderation',
  published: 'Published',
  restricted: 'Restricted',
};

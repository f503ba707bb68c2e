/**
 * The audit log's words: each recorded action and entity type in plain English, and which fields an
 * entry changed. Imports nothing.
 */

/** Plain-English labels of the actions Tend records; an action not listed reads from its code. */
export const auditActionLabels: Readonly<Record<string, string>> = {
  'user.add': 'Added a person',
  'user.set_password': 'Set a password',
  'user.disable': 'Disabled an account',
  'user.sign_in': 'Signed in',
  'user.sign_in_failed': 'Failed to sign in',
  'user.sign_in_refused': 'Refused a single sign-on',
  'user.sign_out': 'Signed out',
  'user.sign_out_everywhere': 'Signed out everywhere',
  'role.grant': 'Granted a role',
  'role.revoke': 'Ended a role',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
  'sso.map': 'Mapped a single sign-on role',
  'import.file': 'Imported a file',
  'import.refused': 'Refused a file',
  'narrative.create': 'Wrote a narrative',
  'narrative.edit': 'Edited a narrative',
  'narrative.publish': 'Published a narrative',
  'narrative.withdraw': 'Withdrew a narrative',
  'annotation.create': 'Added an annotation',
  'annotation.edit': 'Edited an annotation',
  'annotation.publish': 'Published an annotation',
  'annotation.withdraw': 'Withdrew an annotation',
  'series.rebase': 'Rebased a chart',
  'demo.mark_examples': 'Marked the demo’s made-up content as examples',
  'demo.record_build': 'Recorded what the demo store was built from',
  'store.restore': 'Restored the store from a backup',
  'team.create': 'Created a team',
  'team_indicator.create': 'Defined a team indicator',
  'team_indicator.edit': 'Changed a team indicator',
  'inquiry.open': 'Opened an inquiry',
  'inquiry.invite': 'Invited an organisation into an inquiry',
  'inquiry.accept': 'Accepted an invitation to an inquiry',
  'inquiry.decline': 'Declined an invitation to an inquiry',
  'inquiry.update': 'Changed an inquiry',
  'inquiry.move': 'Moved an inquiry on',
  'inquiry.close': 'Closed an inquiry',
  'inquiry.note': 'Added a note to an inquiry',
  'inquiry.factor': 'Added a contributing factor to an inquiry',
  'inquiry.action': 'Agreed an action in an inquiry',
  'inquiry.action_done': 'Marked an inquiry action done',
  'prompt_set.edit': 'Edited a prompt set',
  'directory_entry.create': 'Added an entry to the improvement directory',
  'directory_entry.invite': 'Invited an organisation into the improvement directory',
  'directory_entry.publish': 'Published a directory entry',
  'directory_entry.withdraw': 'Withdrew a directory entry',
  'directory_entry.revise': 'Wrote a new version of a directory entry',
  'directory_entry.link_change_ideas': 'Linked change ideas to a directory entry',
  'directory_contact.add': 'Added a contact to a directory entry',
  'directory_contact.remove': 'Removed a contact from a directory entry',
  'directory_adoption.create': 'Recorded the adoption of a directory entry’s idea',
  'change_idea.create': 'Added a change idea',
  'directory.mark_examples': 'Marked the demo’s directory entries as examples',
  'review.plan': 'Planned a review',
  'review.record': 'Recorded a review meeting',
  'review.actions': 'Agreed actions in a review',
  'review.action_status': 'Marked a review’s agreed action done or dropped',
  'follow_up.asked': 'Asked how an agreed action went',
  'follow_up.already_asked': 'Found a follow-up already asked',
  'follow_up.emailed': 'Sent the emails of a follow-up',
  'follow_up.answer': 'Answered a follow-up',
  'inbox.read': 'Read a message in the inbox',
  'signal.acknowledged': 'Acknowledged a signal',
  'signal.understood': 'Recorded a signal as understood',
  'signal.data_question': 'Recorded a signal as a question about the data',
  'signal.closed': 'Closed a signal',
  'escalation.raise': 'Raised a concern with a region or ICB',
  'escalation.acknowledge': 'Acknowledged an escalated concern',
  'escalation.respond': 'Responded to an escalated concern',
  'escalation.close': 'Closed an escalated concern',
  'escalation.answer': 'Said whether they would escalate this way again',
  'group.create': 'Recorded a group of trusts under shared leadership, this one a founding member',
  'group.add_member': 'Added a trust to a group',
  'group.end_membership': 'Ended a trust’s membership of a group',
  'group.edit_description': 'Edited a group’s description',
};

/** `auditActionLabel`: the label of an action, or its code made readable ("narrative.pin" → "Narrative: pin"). */
export function auditActionLabel(action: string): string {
  const known = auditActionLabels[action];
  if (known) return known;
  const [subject, ...rest] = action.split('.');
  const words = (text: string) => text.replace(/[_-]+/g, ' ').trim();
  const head = words(subject);
  const tail = words(rest.join(' '));
  const sentence = tail ? `${head}: ${tail}` : head;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** Plain-English names of the entity types audit entries are about. */
export const auditEntityLabels: Readonly<Record<string, string>> = {
  user: 'Person',
  role_grant: 'Role',
  api_token: 'API token',
  import_batch: 'Import',
  narrative: 'Narrative',
  annotation: 'Annotation',
  series_config: 'Chart settings',
  store: 'Store',
  team: 'Team',
  team_indicator: 'Team indicator',
  inquiry: 'Inquiry',
  prompt_set: 'Prompt set',
  directory_entry: 'Directory entry',
  change_idea: 'Change idea',
  signal: 'Signal',
  escalation: 'Escalation',
  review: 'Review',
  organisation_group: 'Group',
};

/** `auditEntityLabel`: "Narrative 12", "Role 3,4", "Person". */
export function auditEntityLabel(entityType: string, entityId: string | null): string {
  const name = auditEntityLabels[entityType] ?? entityType.replace(/[_-]+/g, ' ');
  return entityId ? `${name} ${entityId}` : name;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `changedFields`: the names of the fields an entry's before and after differ in, sorted — every
 * field of whichever is an object when only one is. Names only, never values, so a view can say
 * what changed without showing text its reader may not read.
 */
export function changedFields(before: unknown, after: unknown): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).sort();
  }
  if (isPlainObject(after)) return Object.keys(after).sort();
  if (isPlainObject(before)) return Object.keys(before).sort();
  return [];
}

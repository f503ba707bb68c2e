import type { Store } from '../../src/store/db.ts';

/** A review held by hand for a test: its offers of help, agreed actions and one follow-up per action. */
export interface ReviewFixture {
  orgCode: string;
  overseerCode: string;
  quarter?: string;
  heldOn: string;
  followUpOn: string;
  agreedBy: number | null;
  offers?: readonly { fromOrgCode: string; metricId: string; state: 'made' | 'accepted' | 'declined' }[];
  actions: readonly {
    description: string;
    ownerUserId?: number | null;
    ownerSide?: 'organisation' | 'overseer';
    dueOn?: string;
    status?: 'open' | 'done' | 'dropped';
    completedOn?: string | null;
    /** Index into `offers` of the offer the action uses. */
    offer?: number;
  }[];
  isExample?: boolean;
  /** Explicit ids from this one on (review, offers, actions and follow-ups), so a test can name addresses before it runs. */
  firstId?: number;
}

export interface ReviewFixtureIds {
  reviewId: number;
  offerIds: number[];
  actionIds: number[];
  followUpIds: number[];
}

/**
 * Inserts a held review with its offers, actions and follow-ups straight into the tables (as a
 * recorded meeting leaves them): each action gets a follow-up in state `scheduled`, due on
 * `followUpOn`.
 */
export async function addReviewFixture(store: Store, fixture: ReviewFixture): Promise<ReviewFixtureIds> {
  const at = new Date(`${fixture.heldOn}T12:00:00Z`);
  return store.db.transaction().execute(async (trx) => {
    const review = await trx
      .insertInto('review')
      .values({
        ...(fixture.firstId === undefined ? {} : { id: fixture.firstId }),
        org_code: fixture.orgCode,
        overseer_org_code: fixture.overseerCode,
        quarter: fixture.quarter ?? 'Q3 2026/27',
        state: 'held',
        held_on: fixture.heldOn,
        notes: 'Held for a test.',
        follow_up_on: fixture.followUpOn,
        agreed_by: fixture.agreedBy,
        agreed_by_label: fixture.agreedBy === null ? null : `user:${fixture.agreedBy}`,
        created_by: fixture.agreedBy,
        created_by_label: 'test',
        created_at: at,
        updated_at: at,
        is_example: fixture.isExample ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const offerIds: number[] = [];
    const explicit = (index: number) =>
      fixture.firstId === undefined ? {} : { id: fixture.firstId + index };
    for (const [index, offer] of (fixture.offers ?? []).entries()) {
      const row = await trx
        .insertInto('review_offer')
        .values({
          ...explicit(index),
          review_id: review.id,
          metric_id: offer.metricId,
          from_org_code: offer.fromOrgCode,
          state: offer.state,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      offerIds.push(row.id);
    }
    const actionIds: number[] = [];
    const followUpIds: number[] = [];
    for (const [index, action] of fixture.actions.entries()) {
      const row = await trx
        .insertInto('review_action')
        .values({
          ...explicit(index),
          review_id: review.id,
          description: action.description,
          owner_side: action.ownerSide ?? 'organisation',
          owner_user_id: action.ownerUserId ?? null,
          owner_name: action.ownerUserId ? `user ${action.ownerUserId}` : 'The trust',
          due_on: action.dueOn ?? fixture.followUpOn,
          offer_id: action.offer === undefined ? null : offerIds[action.offer],
          status: action.status ?? 'open',
          completed_on: action.completedOn ?? null,
          created_by: fixture.agreedBy,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      actionIds.push(row.id);
      const followUp = await trx
        .insertInto('follow_up')
        .values({
          ...explicit(index),
          review_id: review.id,
          review_action_id: row.id,
          due_on: fixture.followUpOn,
          state: 'scheduled',
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      followUpIds.push(followUp.id);
    }
    return { reviewId: review.id, offerIds, actionIds, followUpIds };
  });
}

import { type Kysely, sql } from 'kysely';

/**
 * Risk-sharing agreements between the providers of an integrated care system: the agreement (its
 * ICB, baseline, sharing rule and status), its parties, its review dates (each reminded once before
 * and once when overdue), proposals to rebalance between two parties (optionally naming a peer review
 * or directory entry as their learning partnership) and each named party's decision on them.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table risk_sharing_agreement (
      id serial primary key,
      icb_code text not null references organisation(code),
      title text not null,
      baseline text not null,
      baseline_thousands integer,
      sharing_rule text not null check (sharing_rule in ('equally','by_budget','by_need','by_performance','described')),
      rule_description text,
      status text not null check (status in ('draft','agreed','ended')),
      agreed_on date,
      is_example boolean not null default false,
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (sharing_rule <> 'described' or coalesce(length(trim(rule_description)), 0) > 0),
      check ((status = 'draft') = (agreed_on is null))
    )`.execute(db);
  await sql`create index risk_sharing_agreement_icb on risk_sharing_agreement (icb_code)`.execute(db);

  await sql`
    create table risk_sharing_party (
      id serial primary key,
      agreement_id integer not null references risk_sharing_agreement(id),
      org_code text not null references organisation(code),
      share text,
      added_at timestamptz not null,
      unique (agreement_id, org_code)
    )`.execute(db);
  await sql`create index risk_sharing_party_org on risk_sharing_party (org_code)`.execute(db);

  await sql`
    create table risk_sharing_review (
      id serial primary key,
      agreement_id integer not null references risk_sharing_agreement(id),
      due_on date not null,
      reminded_at timestamptz,
      overdue_reminded_at timestamptz,
      held_on date,
      notes text,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index risk_sharing_review_agreement on risk_sharing_review (agreement_id)`.execute(db);

  await sql`
    create table risk_sharing_proposal (
      id serial primary key,
      agreement_id integer not null references risk_sharing_agreement(id),
      supporting_org_code text not null references organisation(code),
      supported_org_code text not null references organisation(code),
      amount_thousands integer not null check (amount_thousands > 0),
      why text not null,
      peer_review_id integer references peer_review(id),
      directory_entry_id integer references directory_entry(id),
      status text not null check (status in ('open','agreed','not_agreed','withdrawn')),
      created_by integer references app_user(id),
      created_by_label text not null,
      created_at timestamptz not null,
      check (supporting_org_code <> supported_org_code)
    )`.execute(db);
  await sql`create index risk_sharing_proposal_agreement on risk_sharing_proposal (agreement_id)`.execute(db);

  await sql`
    create table risk_sharing_decision (
      id serial primary key,
      proposal_id integer not null references risk_sharing_proposal(id),
      party_org_code text not null references organisation(code),
      decision text not null check (decision in ('agree','disagree')),
      note text,
      decided_by integer references app_user(id),
      decided_by_label text not null,
      decided_at timestamptz not null,
      unique (proposal_id, party_org_code)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table risk_sharing_decision`.execute(db);
  await sql`drop table risk_sharing_proposal`.execute(db);
  await sql`drop table risk_sharing_review`.execute(db);
  await sql`drop table risk_sharing_party`.execute(db);
  await sql`drop table risk_sharing_agreement`.execute(db);
}

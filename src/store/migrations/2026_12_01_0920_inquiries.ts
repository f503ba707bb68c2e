import { type Kysely, sql } from 'kysely';

/**
 * Inquiries and learning reviews, and the prompt sets they open with.
 *
 * A prompt set is a versioned form schema for one domain (patient experience, workforce, finance,
 * access and flow, safety and quality): each row is one immutable version, and editing a set adds
 * the next version. An inquiry keeps the version it opened with (`prompt_set_id`), so later edits
 * never change the questions an inquiry already answered.
 *
 * An inquiry belongs to one organisation, optionally to a metric and a signal; it moves through
 * invited → (declined | opened) → gathering → sense-making → actions agreed → closed. Its notes,
 * contributing factors (within our control, or with a named system partner: an organisation in Tend
 * or a named service) and agreed actions are rows of their own.
 *
 * The five domains' first versions are seeded here.
 * Frozen: never edit a migration once it has landed; add a new one.
 */

interface SeedField {
  id: string;
  label: string;
  help: string;
  type: 'textarea' | 'input';
  required: boolean;
}

const seeds: { domain: string; title: string; description: string; fields: SeedField[] }[] = [
  {
    domain: 'patient_experience',
    title: 'A facilitated dialogue with patients and staff',
    description:
      'When what patients tell us changes, the first step is to listen: bring patients and staff into the same room and hear both.',
    fields: [
      {
        id: 'who_in_the_room',
        label: 'Who will be in the room?',
        help: 'Patients, carers and staff (roles, not names, if you prefer), and who will facilitate.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'patients_say',
        label: 'What do patients say?',
        help: 'In their words where you can: what is it like to be cared for here?',
        type: 'textarea',
        required: true,
      },
      {
        id: 'staff_say',
        label: 'What do staff say?',
        help: 'What gets in the way of the care they want to give?',
        type: 'textarea',
        required: true,
      },
      {
        id: 'what_next',
        label: 'What will we try together?',
        help: 'Optional until you have met.',
        type: 'textarea',
        required: false,
      },
    ],
  },
  {
    domain: 'workforce',
    title: 'Workload, morale and team dynamics',
    description:
      'Sickness absence, turnover and the staff survey are about people. Look at workload, morale and how teams work together, not assumptions of inefficiency.',
    fields: [
      {
        id: 'workload',
        label: 'What is the workload like?',
        help: 'Staffing against demand, rotas, vacancies, time to rest.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'morale',
        label: 'How is morale?',
        help: 'What staff say about how it feels to work here now.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'team_dynamics',
        label: 'How are the teams working together?',
        help: 'Leadership, support, conflict, belonging.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'assumptions',
        label: 'What would we be wrong to assume?',
        help: 'Optional: the easy explanations that the people involved do not recognise.',
        type: 'textarea',
        required: false,
      },
    ],
  },
  {
    domain: 'finance',
    title: 'Collaborative re-prioritisation',
    description:
      'An overspend is a question of priorities. Decide together what to do differently, and hear from those it affects.',
    fields: [
      {
        id: 'decided',
        label: 'What was decided?',
        help: 'The choices made, and the options that were set aside.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'affected',
        label: 'Who was affected?',
        help: 'Services, patients, staff and partners the decision reaches.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'they_said',
        label: 'What did they say?',
        help: 'What those affected told you, and what changed because of it.',
        type: 'textarea',
        required: true,
      },
    ],
  },
  {
    domain: 'access_flow',
    title: 'What sits with system partners, and what sits with us',
    description:
      'A long wait is often felt in one place and caused across a system. Separate what is within our control from what sits with partners, so that each is held by those who can change it.',
    fields: [
      {
        id: 'with_partners',
        label: 'What sits with system partners?',
        help: 'GP access, social care packages, discharge, referral behaviour, ambulance handovers.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'with_us',
        label: 'What sits with us?',
        help: 'Flow through our own departments and wards, staffing, processes.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'partners_to_involve',
        label: 'Which partners should be in the conversation?',
        help: 'Optional: organisations or services, by name.',
        type: 'input',
        required: false,
      },
    ],
  },
  {
    domain: 'safety_quality',
    title: 'A learning review: curiosity, not blame',
    description:
      'Look at what happened the way a learning team does: with curiosity rather than blame, for success as much as for failure.',
    fields: [
      {
        id: 'expected',
        label: 'What was expected to happen?',
        help: 'The plan, the standard or the usual way of working.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'happened',
        label: 'What happened?',
        help: 'The facts as the people involved saw them.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'why_differed',
        label: 'Why did they differ?',
        help: 'Conditions, pressures and trade-offs, not individuals to blame.',
        type: 'textarea',
        required: true,
      },
      {
        id: 'learn',
        label: 'What do we learn?',
        help: 'What we will keep doing, and what we will change.',
        type: 'textarea',
        required: true,
      },
    ],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table prompt_set (
      id serial primary key,
      domain text not null check (domain in ('patient_experience','workforce','finance','access_flow','safety_quality')),
      version integer not null check (version >= 1),
      title text not null,
      description text not null,
      fields jsonb not null,
      created_by text not null,
      created_at timestamptz not null,
      unique (domain, version)
    )`.execute(db);

  await sql`
    create table inquiry (
      id serial primary key,
      org_code text not null references organisation(code),
      metric_id text references metric(id),
      signal_id integer references signal(id),
      kind text not null check (kind in ('inquiry','learning_review')),
      title text not null,
      state text not null
        check (state in ('invited','declined','opened','gathering','sense_making','actions_agreed','closed')),
      visibility text not null check (visibility in ('public','organisation','named')),
      prompt_set_id integer not null references prompt_set(id),
      answers jsonb not null default '{}',
      participants jsonb not null default '[]',
      learning_summary text,
      closing_reason text check (closing_reason in ('understood','changed','outside_control')),
      closing_note text,
      passed_to_org_code text references organisation(code),
      passed_to_name text,
      follow_up_date date,
      invited_by integer references app_user(id),
      invited_by_label text,
      invitation_message text,
      declined_reason text,
      accepted_at timestamptz,
      closed_at timestamptz,
      created_by integer references app_user(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      version integer not null default 1,
      is_example boolean not null default false,
      check ((state = 'closed') = (closed_at is not null)),
      check (state <> 'closed' or closing_reason is not null),
      check (state <> 'declined' or declined_reason is not null),
      check (closing_reason <> 'outside_control' or passed_to_org_code is not null or passed_to_name is not null)
    )`.execute(db);
  await sql`create index inquiry_org on inquiry (org_code, metric_id)`.execute(db);
  await sql`create index inquiry_signal on inquiry (signal_id) where signal_id is not null`.execute(db);

  await sql`
    create table inquiry_reader (
      inquiry_id integer not null references inquiry(id),
      user_id integer not null references app_user(id),
      primary key (inquiry_id, user_id)
    )`.execute(db);

  await sql`
    create table inquiry_note (
      id serial primary key,
      inquiry_id integer not null references inquiry(id),
      on_date date not null,
      text text not null,
      written_by integer references app_user(id),
      written_by_label text not null,
      written_at timestamptz not null
    )`.execute(db);
  await sql`create index inquiry_note_inquiry on inquiry_note (inquiry_id, on_date)`.execute(db);

  await sql`
    create table inquiry_factor (
      id serial primary key,
      inquiry_id integer not null references inquiry(id),
      description text not null,
      control text not null check (control in ('within','partner')),
      partner_org_code text references organisation(code),
      partner_name text,
      created_by integer references app_user(id),
      created_at timestamptz not null,
      check ((control = 'partner') = (partner_org_code is not null or partner_name is not null))
    )`.execute(db);
  await sql`create index inquiry_factor_inquiry on inquiry_factor (inquiry_id)`.execute(db);
  await sql`create index inquiry_factor_partner on inquiry_factor (partner_org_code) where partner_org_code is not null`.execute(
    db,
  );

  await sql`
    create table inquiry_action (
      id serial primary key,
      inquiry_id integer not null references inquiry(id),
      description text not null,
      owner text not null,
      due_date date,
      done_at timestamptz,
      created_by integer references app_user(id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index inquiry_action_inquiry on inquiry_action (inquiry_id)`.execute(db);

  for (const seed of seeds)
    await sql`
      insert into prompt_set (domain, version, title, description, fields, created_by, created_at)
      values (${seed.domain}, 1, ${seed.title}, ${seed.description}, ${JSON.stringify(seed.fields)}::jsonb, 'tend', now())`.execute(
      db,
    );
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'inquiry_action',
    'inquiry_factor',
    'inquiry_note',
    'inquiry_reader',
    'inquiry',
    'prompt_set',
  ])
    await sql`drop table ${sql.table(table)}`.execute(db);
}

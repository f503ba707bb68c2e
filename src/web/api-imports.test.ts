import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { bundled } from '../../test/helpers/loaded-store.ts';
import { addPerson, csrfTokenIn, signIn } from '../../test/helpers/people.ts';
import { openTestStore, testBackend } from '../../test/helpers/test-store.ts';
import { createToken } from '../app/accounts/tokens.ts';
import { importFile } from '../app/import-file.ts';
import { operator } from '../policies/actor.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';
import { maxUploadBytes } from './routes/api-imports.ts';

const june = bundled.aeMonthly.find((file) => file.endsWith('2024-06.csv')) as string;
const july = bundled.aeMonthly.find((file) => file.endsWith('2024-07.csv')) as string;

describe(`POST /api/v1/imports: importing through the server (${testBackend})`, () => {
  let store: Store;
  let app: FastifyInstance;
  const tokens: Record<'oversight' | 'admin' | 'regional', string> = {
    oversight: '',
    admin: '',
    regional: '',
  };
  let oversightId = 0;

  before(async () => {
    store = await openTestStore();
    for (const file of [bundled.odsTrusts, bundled.trustLookup])
      assert.equal((await importFile(store, file)).outcome, 'imported');
    oversightId = await addPerson(store, 'nat@example.nhs.uk', [{ role: 'oversight', scopeKind: 'england' }]);
    await addPerson(store, 'ada@example.nhs.uk', [
      { role: 'admin', scopeKind: 'organisation', scopeCode: 'RJ1' },
    ]);
    await addPerson(store, 'reg@example.nhs.uk', [
      { role: 'oversight', scopeKind: 'region', scopeCode: 'Y56' },
    ]);
    const context = { db: store.db, actor: operator('test'), clock: () => new Date() };
    for (const [name, email] of [
      ['oversight', 'nat@example.nhs.uk'],
      ['admin', 'ada@example.nhs.uk'],
      ['regional', 'reg@example.nhs.uk'],
    ] as const)
      tokens[name] = (await createToken(context, { email, name: 'imports' })).secret;
    app = await buildApp({ store, config: { logLevel: 'silent' }, rateLimitPerMinute: 100_000 });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const batches = async () =>
    store.db
      .selectFrom('import_batch')
      .select(['id', 'file_name', 'imported_by', 'content_hash'])
      .orderBy('id')
      .execute();

  const post = (options: {
    token?: string;
    type?: string;
    body: Buffer | string;
    query?: string;
    headers?: Record<string, string>;
  }) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/imports${options.query ?? ''}`,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.type ? { 'content-type': options.type } : {}),
        ...options.headers,
      },
      payload: options.body,
    });

  it('refuses anyone without national oversight, before reading the file, and writes nothing', async () => {
    const before = await batches();
    const anonymous = await post({ type: 'text/csv', body: fs.readFileSync(june) });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'UNAUTHENTICATED');
    for (const role of ['admin', 'regional'] as const) {
      const refused = await post({ token: tokens[role], type: 'text/csv', body: fs.readFileSync(june) });
      assert.equal(refused.statusCode, 403, role);
      assert.equal(refused.json().error.code, 'FORBIDDEN', role);
    }
    assert.deepEqual(await batches(), before);
  });

  it('imports a CSV as the signed-in person, named as sent, and answers 201 with the batch', async () => {
    const response = await post({
      token: tokens.oversight,
      type: 'text/csv; charset=utf-8',
      body: fs.readFileSync(june),
      query: '?filename=Monthly-AE-2024-06.csv',
    });
    assert.equal(response.statusCode, 201, response.body);
    const { import: result } = response.json();
    assert.equal(result.outcome, 'imported');
    assert.equal(result.file, 'Monthly-AE-2024-06.csv');
    assert.ok(result.observations > 0);
    assert.ok(Array.isArray(result.problems));
    const batch = (await batches()).at(-1);
    assert.equal(batch?.id, result.batchId);
    assert.equal(batch?.file_name, 'Monthly-AE-2024-06.csv');
    assert.equal(batch?.imported_by, `user:${oversightId} nat@example.nhs.uk`);
    assert.equal(
      batch?.content_hash,
      crypto.createHash('sha256').update(fs.readFileSync(june)).digest('hex'),
    );
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'entity_id'])
      .where('action', '=', 'import.file')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, oversightId);
    assert.equal(audit.entity_id, String(result.batchId));
  });

  it('answers 200 "unchanged" for the same file again, and takes the name from X-Filename', async () => {
    const response = await post({
      token: tokens.oversight,
      type: 'text/csv',
      body: fs.readFileSync(june),
      headers: { 'x-filename': 'again.csv' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().import.outcome, 'unchanged');
    assert.equal(response.json().import.file, 'again.csv');
  });

  it('refuses a bad file with 422 and every problem as file:row:column, writing nothing', async () => {
    const before = await store.db
      .selectFrom('observation')
      .select(store.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const response = await post({
      token: tokens.oversight,
      type: 'text/csv',
      body: 'org_code,metric_id,period,value\nRJ1,ae-4hr-all,2024-13,95\nRJ1,ae-4hr-all,2024-01,lots\n',
      query: '?filename=bad.csv',
    });
    assert.equal(response.statusCode, 422, response.body);
    const { error } = response.json();
    assert.equal(error.code, 'IMPORT_FAILED');
    assert.ok(error.details.length >= 2, error.details.join('\n'));
    assert.ok(
      error.details.some((line: string) => line.startsWith('bad.csv:2:C: ')),
      error.details.join('\n'),
    );
    assert.ok(
      error.details.some((line: string) => line.startsWith('bad.csv:3:D: ')),
      error.details.join('\n'),
    );
    const after = await store.db
      .selectFrom('observation')
      .select(store.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });

  it('imports an .xlsx workbook sent as one', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('data');
    sheet.addRow(['org_code', 'metric_id', 'period', 'value']);
    sheet.addRow(['RJ1', 'ae-4hr-all', '2023-01', 91.5]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await post({
      token: tokens.oversight,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body,
      query: '?filename=tidy.xlsx',
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().import.observations, 1);
  });

  it('refuses a body that is not CSV or a workbook (415), a name with folders in it (400), a file over the limit (413) and an empty one (422)', async () => {
    const before = await batches();
    const json = await post({ token: tokens.oversight, type: 'application/json', body: '{"org":"RJ1"}' });
    assert.equal(json.statusCode, 415, json.body);
    assert.equal(json.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
    const untyped = await post({ token: tokens.oversight, body: 'org_code,metric_id,period,value\n' });
    assert.equal(untyped.statusCode, 415, untyped.body);
    const folders = await post({
      token: tokens.oversight,
      type: 'text/csv',
      body: fs.readFileSync(july),
      query: `?filename=${encodeURIComponent('../../etc/passwd')}`,
    });
    assert.equal(folders.statusCode, 400, folders.body);
    const huge = await post({
      token: tokens.oversight,
      type: 'text/csv',
      body: 'org_code,metric_id,period,value\n',
      headers: { 'content-length': String(maxUploadBytes + 1) },
    });
    assert.equal(huge.statusCode, 413, huge.body);
    assert.equal(huge.json().error.code, 'UPLOAD_TOO_LARGE');
    assert.deepEqual(await batches(), before);
    // An empty body is an empty file: refused as one (and recorded as a refused import).
    const empty = await post({
      token: tokens.oversight,
      type: 'text/csv',
      body: '',
      query: '?filename=empty.csv',
    });
    assert.equal(empty.statusCode, 422, empty.body);
    assert.deepEqual(empty.json().error.details, ['empty.csv: the file is empty']);
  });

  it('takes a signed-in session with its CSRF token, as every cookie-authenticated write', async () => {
    const cookie = await signIn(app, 'nat@example.nhs.uk');
    const account = await app.inject({ url: '/account', headers: { cookie } });
    const withoutToken = await app.inject({
      method: 'POST',
      url: '/api/v1/imports?filename=july.csv',
      headers: { cookie, 'content-type': 'text/csv' },
      payload: fs.readFileSync(july),
    });
    assert.equal(withoutToken.statusCode, 403, withoutToken.body);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/imports?filename=july.csv',
      headers: { cookie, 'content-type': 'text/csv', 'x-csrf-token': csrfTokenIn(account.body) },
      payload: fs.readFileSync(july),
    });
    assert.equal(response.statusCode, 201, response.body);
  });
});

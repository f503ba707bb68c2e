import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openTestStore } from '../../test/helpers/test-store.ts';
import type { Store } from '../store/db.ts';
import { buildApp } from './app.ts';
import { describeSchema } from './routes/api-docs.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

describe('API documentation', () => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await openTestStore();
    app = await buildApp({ store, config: { logLevel: 'silent' } });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('serves an OpenAPI 3 description of the JSON API and /health, generated from the route schemas', async () => {
    const response = await app.inject('/api/docs/openapi.json');
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^application\/json/);
    const spec = response.json();
    assert.match(spec.openapi, /^3\.\d+\.\d+$/);
    assert.equal(spec.info.title, 'Tend API');
    assert.equal(spec.info.version, version);
    const paths = Object.keys(spec.paths).sort();
    assert.deepEqual(paths, [
      '/api/v1/annotations',
      '/api/v1/annotations/{id}',
      '/api/v1/annotations/{id}/publish',
      '/api/v1/annotations/{id}/withdraw',
      '/api/v1/assessments/{framework}/{quarter}',
      '/api/v1/assessments/{framework}/{quarter}/{code}',
      '/api/v1/boards',
      '/api/v1/boards/{id}',
      '/api/v1/boards/{id}/commentary',
      '/api/v1/boards/{id}/commentary/{commentaryId}/moderate',
      '/api/v1/boards/{id}/commentary/{commentaryId}/reply',
      '/api/v1/boards/{id}/commentary/{commentaryId}/submit',
      '/api/v1/boards/{id}/members',
      '/api/v1/boards/{id}/members/{memberId}/chair',
      '/api/v1/boards/{id}/members/{memberId}/end-term',
      '/api/v1/circles',
      '/api/v1/circles/{id}',
      '/api/v1/circles/{id}/meetings',
      '/api/v1/directory/candidates',
      '/api/v1/directory/coverage',
      '/api/v1/directory/entries',
      '/api/v1/directory/entries/{id}',
      '/api/v1/escalations',
      '/api/v1/escalations/{id}',
      '/api/v1/escalations/{id}/acknowledge',
      '/api/v1/escalations/{id}/answer',
      '/api/v1/escalations/{id}/close',
      '/api/v1/escalations/{id}/respond',
      '/api/v1/follow-ups',
      '/api/v1/follow-ups/{id}',
      '/api/v1/follow-ups/{id}/outcome',
      '/api/v1/groups',
      '/api/v1/groups/{id}',
      '/api/v1/groups/{id}/members',
      '/api/v1/groups/{id}/members/{memberId}/end',
      '/api/v1/imports',
      '/api/v1/inquiries',
      '/api/v1/inquiries/{id}',
      '/api/v1/inquiries/{id}/actions',
      '/api/v1/inquiries/{id}/factors',
      '/api/v1/inquiries/{id}/notes',
      '/api/v1/journal',
      '/api/v1/journal/{id}',
      '/api/v1/journal/{id}/share',
      '/api/v1/listening',
      '/api/v1/listening/{id}',
      '/api/v1/listening/{id}/publish',
      '/api/v1/listening/{id}/report-back',
      '/api/v1/metrics',
      '/api/v1/metrics/{id}/coverage',
      '/api/v1/metrics/{id}/latest',
      '/api/v1/narratives',
      '/api/v1/narratives/{id}',
      '/api/v1/narratives/{id}/publish',
      '/api/v1/narratives/{id}/versions',
      '/api/v1/narratives/{id}/withdraw',
      '/api/v1/observations',
      '/api/v1/organisations',
      '/api/v1/organisations/{code}',
      '/api/v1/organisations/{code}/capability',
      '/api/v1/peer-reviews',
      '/api/v1/peer-reviews/{id}',
      '/api/v1/peer-reviews/{id}/findings',
      '/api/v1/peer-reviews/{id}/invitation',
      '/api/v1/peer-reviews/{id}/on-site',
      '/api/v1/peer-reviews/{id}/progress',
      '/api/v1/peer-reviews/{id}/report',
      '/api/v1/peer-reviews/{id}/team',
      '/api/v1/reviews',
      '/api/v1/reviews/{id}',
      '/api/v1/reviews/{id}/actions',
      '/api/v1/reviews/{id}/meeting',
      '/api/v1/reviews/{id}/pack',
      '/api/v1/reviews/{id}/pack.pdf',
      '/api/v1/risk-sharing-agreements',
      '/api/v1/risk-sharing-agreements/{id}',
      '/api/v1/risk-sharing-agreements/{id}/edit',
      '/api/v1/risk-sharing-agreements/{id}/proposals',
      '/api/v1/risk-sharing-agreements/{id}/proposals/{proposalId}/decisions',
      '/api/v1/risk-sharing-agreements/{id}/reviews',
      '/api/v1/risk-sharing-agreements/{id}/reviews/{reviewId}/held',
      '/api/v1/risk-sharing-agreements/{id}/status',
      '/api/v1/search',
      '/api/v1/signals',
      '/api/v1/systems/{code}/finance',
      '/api/v1/teams',
      '/api/v1/teams/{id}/indicators',
      '/api/v1/teams/{id}/indicators/{indicator}/values',
      '/health',
      '/health/ready',
    ]);
    for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
      assert.ok(
        Object.keys(methods).every((method) => ['get', 'post', 'patch'].includes(method)),
        path,
      );
      const operation = (methods.get ?? methods.post) as {
        summary: string;
        responses: Record<string, { description: string }>;
        parameters?: { name: string; in: string; required?: boolean; schema: { type?: string } }[];
      };
      assert.ok(operation.summary, `${path} has a summary`);
      assert.ok(
        (operation.responses['200'] ?? operation.responses['201']).description,
        `${path} describes its 200`,
      );
      for (const parameter of operation.parameters ?? []) {
        assert.ok(['path', 'query'].includes(parameter.in), `${path} ${parameter.name}`);
        assert.equal(typeof parameter.schema, 'object', `${path} ${parameter.name} has a schema`);
        assert.ok(!('$schema' in parameter.schema));
        if (parameter.in === 'path') assert.equal(parameter.required, true);
      }
    }

    const organisation = spec.paths['/api/v1/organisations/{code}'].get;
    assert.deepEqual(
      organisation.parameters.map(
        (parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`,
      ),
      ['path:code'],
    );
    assert.equal(organisation.parameters[0].schema.pattern, '^[A-Za-z0-9]{2,10}$');
    assert.ok(organisation.responses['404']);
    assert.deepEqual(
      organisation.responses['400'].content['application/json'].schema.properties.error.required,
      ['code', 'message', 'details'],
    );

    const assessment = spec.paths['/api/v1/assessments/{framework}/{quarter}'].get;
    const parameters = Object.fromEntries(
      assessment.parameters.map(
        (parameter: { name: string; in: string; required?: boolean; schema: object }) => [
          `${parameter.in}:${parameter.name}`,
          parameter,
        ],
      ),
    );
    assert.deepEqual(Object.keys(parameters).sort(), [
      'path:framework',
      'path:quarter',
      'query:format',
      'query:trustType',
    ]);
    assert.deepEqual(parameters['query:format'].schema.enum, ['json', 'csv']);
    assert.notEqual(parameters['query:format'].required, true, 'format has a default, so is optional');

    const organisations = spec.paths['/api/v1/organisations'].get;
    const limit = organisations.parameters.find((parameter: { name: string }) => parameter.name === 'limit');
    assert.deepEqual(
      { type: limit.schema.type, minimum: limit.schema.minimum, maximum: limit.schema.maximum },
      { type: 'integer', minimum: 1, maximum: 5000 },
    );
  });

  it('renders the description as an NHS.UK page without inline scripts', async () => {
    const response = await app.inject('/api/docs');
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/html/);
    const html = response.body;
    assert.match(html, /<title>API documentation – Tend – NHS<\/title>/);
    assert.match(html, /<h1>API documentation<\/h1>/);
    assert.match(html, /GET \/api\/v1\/organisations\/\{code\}/);
    assert.match(html, /GET \/api\/v1\/assessments\/\{framework\}\/\{quarter\}/);
    assert.match(html, /<table class="nhsuk-table" id="parameters-get-api-v1-organisations-code">/);
    assert.match(
      html,
      /<td class="nhsuk-table__cell"><code>code<\/code><\/td>|<th scope="row" class="nhsuk-table__header"><code>code<\/code><\/th>/,
    );
    assert.match(html, /href="\/api\/docs\/openapi\.json"/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes, /\bsrc="/, 'every script is loaded from a file');
      assert.equal(body.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /swagger-ui/i);
    assert.match(response.headers['content-security-policy'] as string, /script-src 'self'/);
  });

  it('keeps validating with Zod: a 400 in Tend’s error shape, listing every problem', async () => {
    const response = await app.inject('/api/v1/organisations?kind=nope&limit=0');
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.error.code, 'BAD_REQUEST');
    assert.equal(body.error.details.length, 2);
  });

  it('describes parameter values in a line', () => {
    assert.equal(
      describeSchema({ type: 'string', enum: ['json', 'csv'], default: 'json' }),
      'one of json, csv; default json',
    );
    assert.equal(describeSchema({ type: 'integer', minimum: 1, maximum: 5000 }), 'integer; 1 to 5000');
    assert.equal(describeSchema(undefined), '');
  });
});

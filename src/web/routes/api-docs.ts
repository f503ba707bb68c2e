import type { FastifyInstance } from 'fastify';
import { cell, type DataTable } from '../data-table.ts';
import { sendPage } from '../render.ts';

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}
interface OpenApiOperation {
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  responses?: Record<string, { description?: string }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** One line saying what values a parameter takes, from its JSON Schema. */
export function describeSchema(schema: Record<string, unknown> | undefined): string {
  if (!schema) return '';
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.join(', ')}`);
  else if (typeof schema.type === 'string') parts.push(schema.type);
  if (typeof schema.pattern === 'string') parts.push(`matching ${schema.pattern}`);
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number')
    parts.push(`${schema.minimum} to ${schema.maximum}`);
  if (typeof schema.minLength === 'number' && typeof schema.maxLength === 'number')
    parts.push(`${schema.minLength} to ${schema.maxLength} characters`);
  if (schema.default !== undefined) parts.push(`default ${String(schema.default)}`);
  return parts.join('; ');
}

/** The operations of an OpenAPI document, flattened for the HTML page. */
export function operationsOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
      const parameters = (operation.parameters ?? []).map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        required: parameter.required === true,
        description: parameter.description ?? '',
        values: describeSchema(parameter.schema),
      }));
      const parametersTable: DataTable = {
        id: `parameters-${id}`,
        caption: `Parameters of ${method.toUpperCase()} ${path}`,
        fileName: `tend-api-parameters-${id}`,
        columns: [
          { label: 'Name', code: true },
          { label: 'In' },
          { label: 'Required' },
          { label: 'Values' },
          { label: 'Description' },
        ],
        rows: parameters.map((parameter) => ({
          key: parameter.name,
          cells: [
            cell(parameter.name),
            cell(parameter.in),
            cell(parameter.required ? 'Yes' : 'No'),
            cell(parameter.values),
            cell(parameter.description),
          ],
        })),
      };
      return {
        id,
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? '',
        description: operation.description ?? '',
        parameters,
        parametersTable,
        responses: Object.entries(operation.responses ?? {}).map(([status, response]) => ({
          status,
          description: response.description ?? '',
        })),
      };
    }),
  );
}

/**
 * The OpenAPI description of the JSON API, as JSON and as a server-rendered NHS.UK page (no Swagger
 * UI: it needs inline scripts, which the Content Security Policy forbids).
 */
export async function registerApiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', async () => app.swagger());
  app.get('/', async (request, reply) => {
    const document = app.swagger() as unknown as OpenApiDocument;
    return sendPage(request, reply, 'pages/api-docs/index.njk', {
      pageName: 'API documentation',
      info: document.info,
      openapi: document.openapi,
      operations: operationsOf(document),
    });
  });
}

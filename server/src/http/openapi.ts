import { Router } from 'express';
import { z } from 'zod';
import { auditQuerySchema } from '../modules/moderation/moderation.schemas';
import * as commentSchemas from '../modules/comments/comments.schemas';
import { importJobParams, importQuerySchema, importSiteParams } from '../modules/imports/imports.schemas';
import { createSiteSchema, siteIdSchema, updateSiteSchema } from '../modules/sites/sites.schemas';
import { userParamsSchema } from '../modules/trust/trust.routes';
import * as wire from './wire.schemas';

type Security = 'none' | 'reader' | 'readerOptional' | 'admin';

/** One documented route: the same zod schemas the route validates with. */
interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  security: Security;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body that is not JSON (an uploaded file), with the media types it may have. */
  rawBody?: { types: string[]; description: string };
  /** `contentType`: a schema'd response that is not `application/json` (e.g. NDJSON); `text`: a text response's media type (feeds). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; text?: string }>;
}

const siteParams = z.object({ siteId: siteIdSchema });
const guestBody = z.object({ name: z.string().min(1).max(64) });

/** Every REST route of `/api/v1`, as documented. */
export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/sites/{siteId}/pages/{pageId}/comments',
    summary: 'List one page of comments (top level, or the replies of parentId)',
    security: 'readerOptional',
    params: commentSchemas.pageParamsSchema,
    query: commentSchemas.listQuerySchema,
    responses: {
      200: {
        description:
          "A page of comments. `total` is the page's visible comment count at every level (as /counts and page:join report it), or the parent's replyCount when parentId is given.",
        schema: wire.commentPageResponse,
      },
    },
  },
  {
    method: 'post',
    path: '/sites/{siteId}/pages/{pageId}/comments',
    summary: 'Post a comment or reply (idempotent per clientNonce)',
    security: 'reader',
    params: commentSchemas.pageParamsSchema,
    body: commentSchemas.postBodySchema,
    responses: {
      200: { description: 'The same clientNonce was posted before: the first comment', schema: wire.commentResponse },
      201: { description: 'Published', schema: wire.commentResponse },
      202: { description: 'Held for moderation', schema: wire.commentResponse },
    },
  },
  {
    method: 'patch',
    path: '/comments/{id}',
    summary: "Edit one's own comment inside the edit window",
    security: 'reader',
    params: commentSchemas.idParamsSchema,
    body: commentSchemas.editBodySchema,
    responses: { 200: { description: 'Edited', schema: wire.commentResponse } },
  },
  {
    method: 'delete',
    path: '/comments/{id}',
    summary: 'Delete a comment (author or moderator)',
    security: 'reader',
    params: commentSchemas.idParamsSchema,
    responses: { 200: { description: 'The tombstone', schema: wire.commentResponse } },
  },
  {
    method: 'put',
    path: '/comments/{id}/reactions/{type}',
    summary: "Set the viewer's reaction (idempotent)",
    security: 'reader',
    params: commentSchemas.reactionParamsSchema,
    responses: { 200: { description: 'The comment with new counts', schema: wire.commentResponse } },
  },
  {
    method: 'delete',
    path: '/comments/{id}/reactions/{type}',
    summary: "Unset the viewer's reaction (idempotent)",
    security: 'reader',
    params: commentSchemas.reactionParamsSchema,
    responses: { 200: { description: 'The comment with new counts', schema: wire.commentResponse } },
  },
  {
    method: 'post',
    path: '/comments/{id}/flags',
    summary: 'Flag a comment for moderators (once per reader)',
    security: 'reader',
    params: commentSchemas.idParamsSchema,
    body: commentSchemas.flagBodySchema,
    responses: { 202: { description: 'Flag recorded', schema: wire.flagResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/counts',
    summary: 'Visible comment counts of up to 100 pages',
    security: 'none',
    params: siteParams,
    query: commentSchemas.countsQuerySchema,
    responses: { 200: { description: 'Counts by page id', schema: wire.countsResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/pages/{pageId}/feed.atom',
    summary: "Atom 1.0 feed of a page's latest visible comments (newest 50, sanitized HTML; never held ones)",
    security: 'none',
    params: commentSchemas.pageParamsSchema,
    responses: { 200: { description: 'An Atom feed', text: 'application/atom+xml' } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/feed.atom',
    summary: "Atom 1.0 feed of a site's latest visible comments across its pages (newest 50)",
    security: 'none',
    params: siteParams,
    responses: { 200: { description: 'An Atom feed', text: 'application/atom+xml' } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/settings',
    summary: 'Public settings of a site (guests allowed, moderation mode, edit window, depth cap)',
    security: 'none',
    params: siteParams,
    responses: { 200: { description: 'Settings', schema: wire.settingsResponse } },
  },
  {
    method: 'post',
    path: '/sites/{siteId}/guest-token',
    summary: 'Get a guest token (where the site allows guests)',
    security: 'none',
    params: siteParams,
    body: guestBody,
    responses: { 201: { description: 'A guest token', schema: wire.tokenResponse } },
  },
  {
    method: 'post',
    path: '/sites',
    summary: 'Create a site; the only response that shows its secret',
    security: 'admin',
    body: createSiteSchema,
    responses: { 201: { description: 'Created', schema: wire.siteResponse } },
  },
  {
    method: 'get',
    path: '/sites',
    summary: 'List sites (never secrets)',
    security: 'admin',
    responses: { 200: { description: 'Sites', schema: wire.sitesResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}',
    summary: 'One site',
    security: 'admin',
    params: siteParams,
    responses: { 200: { description: 'The site', schema: wire.siteResponse } },
  },
  {
    method: 'patch',
    path: '/sites/{siteId}',
    summary: 'Change a site (limits merged); rotateSecret answers a new secret',
    security: 'admin',
    params: siteParams,
    body: updateSiteSchema,
    responses: { 200: { description: 'The site (and a new secret after rotateSecret)', schema: wire.siteResponse } },
  },
  {
    method: 'delete',
    path: '/sites/{siteId}',
    summary: 'Delete a site with all its data and disconnect its sockets',
    security: 'admin',
    params: siteParams,
    responses: { 204: { description: 'Deleted' } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/audit',
    summary: 'Audit log of moderator actions (admin key or admin token)',
    security: 'admin',
    params: siteParams,
    query: auditQuerySchema,
    responses: { 200: { description: 'Entries, newest first', schema: wire.auditResponse } },
  },
  {
    method: 'post',
    path: '/sites/{siteId}/imports',
    summary: 'Import a Disqus, WordPress, Commento, Remark42 or Parley export file into the site (runs in the background)',
    security: 'admin',
    params: importSiteParams,
    query: importQuerySchema,
    rawBody: {
      types: ['application/xml', 'text/xml', 'application/json', 'application/x-ndjson', 'application/octet-stream'],
      description: 'The export file itself, streamed to disk: the 32 KiB body limit does not apply.',
    },
    responses: {
      202: { description: 'Received; poll the import for its progress and report', schema: wire.importStartedResponse },
    },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/imports/{id}',
    summary: 'Status, progress (0-100) and report of an import',
    security: 'admin',
    params: importJobParams,
    responses: { 200: { description: 'The import', schema: wire.importJobResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/export',
    summary: 'The site as Parley NDJSON (header, pages, comments of every status with sources); re-importable with format=parley',
    security: 'admin',
    params: importSiteParams,
    responses: {
      200: {
        description: 'One JSON object per line: `{"type":"parley-export",…}`, then `page` and `comment` lines',
        schema: z.string(),
        contentType: 'application/x-ndjson',
      },
    },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/challenge',
    summary:
      'A signed proof-of-work challenge (ALTCHA v2, PBKDF2/SHA-256) to solve and send as `proofOfWork` with a post, where the site asks for one; one solution per post, cost rising during bursts',
    security: 'none',
    params: siteParams,
    responses: { 200: { description: 'The challenge, its level and the expected attempts', schema: wire.challengeResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/me/export',
    summary: "Everything held about the token's reader on the site: comments, reactions, flags, subscriptions",
    security: 'reader',
    params: siteParams,
    responses: { 200: { description: 'The export', schema: wire.dataExportResponse } },
  },
  {
    method: 'delete',
    path: '/sites/{siteId}/me',
    summary:
      "Erase the token's reader from the site: comments become authorless tombstones (or go when nothing replies to them), reactions and flags go",
    security: 'reader',
    params: siteParams,
    responses: { 200: { description: 'What was erased', schema: wire.erasureResponse } },
  },
  {
    method: 'get',
    path: '/sites/{siteId}/users/{userId}/export',
    summary: 'The data export of any user id of the site (admin key)',
    security: 'admin',
    params: userParamsSchema,
    responses: { 200: { description: 'The export', schema: wire.dataExportResponse } },
  },
  {
    method: 'delete',
    path: '/sites/{siteId}/users/{userId}',
    summary: 'Erase any user id from the site (admin key)',
    security: 'admin',
    params: userParamsSchema,
    responses: { 200: { description: 'What was erased', schema: wire.erasureResponse } },
  },
];

const ERROR_STATUSES: Record<Security, number[]> = {
  none: [400, 404, 429],
  readerOptional: [400, 401, 404],
  reader: [400, 401, 403, 404, 409, 413, 422, 423, 429, 503],
  admin: [400, 401, 403, 404, 409, 413],
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(where: 'path' | 'query', obj: z.ZodObject | undefined): unknown[] {
  if (!obj) return [];
  const schema = jsonSchema(obj, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (schema.required ?? []).includes(name),
    schema: s,
  }));
}

/** Builds the OpenAPI 3.1 document from {@link ROUTES}. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      responses[status] = res.text
        ? { description: res.description, content: { [res.text]: { schema: { type: 'string' } } } }
        : res.schema
          ? {
              description: res.description,
              content: { [res.contentType ?? 'application/json']: { schema: jsonSchema(res.schema, 'output') } },
            }
          : { description: res.description };
    }
    for (const status of ERROR_STATUSES[r.security]) {
      responses[String(status)] ??= {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const security =
      r.security === 'admin'
        ? [{ adminKey: [] }]
        : r.security === 'reader'
          ? [{ readerToken: [] }]
          : r.security === 'readerOptional'
            ? [{}, { readerToken: [] }]
            : [];
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      operationId: `${r.method}${r.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      security,
      parameters: [...parameters('path', r.params), ...parameters('query', r.query)],
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } }
        : {}),
      ...(r.rawBody
        ? {
            requestBody: {
              required: true,
              description: r.rawBody.description,
              content: Object.fromEntries(r.rawBody.types.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST API',
      version: '1.0.0',
      description: 'Self-hosted real-time comments. Errors are `{ error: { code, message } }`.',
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(wire.errorResponse, 'output'), Comment: jsonSchema(wire.commentSchema, 'output') },
      securitySchemes: {
        readerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A reader token signed by the site's backend, or a guest token",
        },
        adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' },
      },
    },
  };
}

/** Serves `GET /api/v1/openapi.json`. */
export function openApiRouter(): Router {
  const r = Router();
  let doc: Record<string, unknown> | null = null;
  r.get('/openapi.json', (_req, res) => {
    doc ??= buildOpenApi();
    res.json(doc);
  });
  return r;
}

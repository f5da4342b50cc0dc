import { z } from 'zod';
import type { PostCommentInput } from '@parley/protocol';
import { siteIdSchema } from '../sites/sites.schemas';
import { charLength } from './render';

/** Longest comment body, in characters after trimming (SPEC "Input rules"). */
export const MAX_BODY_CHARS = 5000;

/** pageId: 1..256 printable ASCII characters without spaces. */
export const pageIdSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1..256 printable ASCII characters without spaces');

/** A comment id (ObjectId hex). */
export const commentIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a comment id');

/** A comment body: trimmed, 1..5000 characters. */
export const bodySchema = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => charLength(s) <= MAX_BODY_CHARS, `must be at most ${MAX_BODY_CHARS} characters`);

/** Client nonce for idempotent posting. */
export const clientNonceSchema = z.string().regex(/^[A-Za-z0-9_:.-]{1,100}$/, 'must be 1..100 characters of A-Z a-z 0-9 _ : . -');

/** Path parameters of page routes. */
export const pageParamsSchema = z.object({ siteId: siteIdSchema, pageId: pageIdSchema });

/** `GET …/comments` query. Arrays (repeated keys) are refused as wrong types. */
export const listQuerySchema = z.object({
  sort: z.enum(['newest', 'oldest', 'top']).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
  parentId: commentIdSchema.optional(),
});
export type ListInput = z.infer<typeof listQuerySchema>;

/** `POST …/comments` body (REST) and the `comment:post` payload without pageId. */
export const postBodySchema = z.object({
  body: bodySchema,
  parentId: commentIdSchema.nullish(),
  clientNonce: clientNonceSchema.optional(),
  /** Page metadata the widget may send on first post. */
  pageTitle: z.string().trim().max(300).optional(),
  pageUrl: z.string().url().max(2000).optional(),
  /** A solved proof-of-work challenge (base64 ALTCHA payload), where the site asks for one. */
  proofOfWork: z.string().min(1).max(4000).optional(),
  /** The widget's hidden honeypot field; anything in it drops the post quietly. */
  honeypot: z.string().max(1000).optional(),
  /** Email the author about replies (needs an address in the token and email configured on the server). */
  notifyReplies: z.boolean().optional(),
});
export type PostInput = z.infer<typeof postBodySchema>;

/** `comment:post` payload. */
export const socketPostSchema = postBodySchema.extend({ pageId: pageIdSchema });
// The wire contract binds this schema: a field the protocol's payload gains or changes must be parsed here too.
socketPostSchema satisfies z.ZodType<Omit<PostCommentInput, never>>;

/** `PATCH /comments/:id` body. */
export const editBodySchema = z.object({ body: bodySchema });

/** `:id` path parameter. */
export const idParamsSchema = z.object({ id: commentIdSchema });

/** `PUT|DELETE /comments/:id/reactions/:type` parameters. */
export const reactionParamsSchema = z.object({ id: commentIdSchema, type: z.enum(['like']) });

/** `POST /comments/:id/flags` body. */
export const flagBodySchema = z.object({ reason: z.string().trim().min(1).max(500) });

/** `GET /sites/:siteId/counts` query: one or more `page`, at most 100. */
export const countsQuerySchema = z.object({
  page: z.union([pageIdSchema, z.array(pageIdSchema).min(1).max(100)]).transform((p) => (Array.isArray(p) ? p : [p])),
});

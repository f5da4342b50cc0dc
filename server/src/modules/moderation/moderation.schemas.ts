import { z } from 'zod';
import { commentIdSchema, pageIdSchema } from '../comments/comments.schemas';

const reason = z.string().trim().max(500).optional();

/** `comment:delete` and `comment:reject` payloads. */
export const commentActionSchema = z.object({ commentId: commentIdSchema, reason });
/** `comment:approve` payload. */
export const approveSchema = z.object({ commentId: commentIdSchema });
/** `user:ban` payload; `until` (ISO date) null or absent bans until lifted. */
export const banSchema = z.object({
  userId: z.string().min(1).max(128),
  reason,
  until: z.iso.datetime({ offset: true }).nullish(),
  /** A shadow ban: the user keeps posting and sees their comments; nobody else does. */
  shadow: z.boolean().optional(),
});
/** `user:unban` payload. */
export const unbanSchema = z.object({ userId: z.string().min(1).max(128) });
/** `page:lock` payload. */
export const lockSchema = z.object({ pageId: pageIdSchema, locked: z.boolean() });
/** `queue:list` payload. */
export const queueSchema = z.object({
  status: z.enum(['pending', 'flagged']),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: commentIdSchema.nullish(),
});
/** `comments:recent` payload: the Recent column and its search (by author id or text). */
export const recentSchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  cursor: commentIdSchema.nullish(),
  authorId: z.string().trim().min(1).max(128).optional(),
  text: z.string().trim().min(1).max(100).optional(),
  status: z.enum(['visible', 'pending', 'deleted', 'rejected']).optional(),
});

/** `GET /sites/:siteId/audit` query. */
export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: commentIdSchema.optional(),
});

import { Router, type Request } from 'express';
import { parse, parseQuery } from '../../validate';
import { restContext } from '../../http/request';
import type { AuthService } from '../auth/auth.service';
import { siteIdSchema } from '../sites/sites.schemas';
import { z } from 'zod';
import {
  countsQuerySchema,
  editBodySchema,
  flagBodySchema,
  idParamsSchema,
  listQuerySchema,
  pageParamsSchema,
  postBodySchema,
  reactionParamsSchema,
} from './comments.schemas';
import type { CommentsService } from './comments.service';

/** REST adapters of the comments service (SPEC "REST", comment rows): each authenticates, then hands the service a plain context. */
export function commentsRouter(comments: CommentsService, auth: Pick<AuthService, 'authenticate'>): Router {
  const r = Router();
  // Routes naming a comment authenticate against the site the comment belongs to (`404` first when there is none).
  const onCommentSite = async (req: Request, id: string) => restContext(req, await comments.siteOf(id), auth);

  r.get('/sites/:siteId/pages/:pageId/comments', async (req, res) => {
    const { siteId, pageId } = parse(pageParamsSchema, req.params);
    const input = parseQuery(listQuerySchema, req.query);
    res.json(await comments.list(await restContext(req, siteId, auth), pageId, input));
  });

  r.post('/sites/:siteId/pages/:pageId/comments', async (req, res) => {
    const { siteId, pageId } = parse(pageParamsSchema, req.params);
    const input = parse(postBodySchema, req.body);
    const result = await comments.post(await restContext(req, siteId, auth), pageId, input);
    res.status(result.httpStatus).json({ comment: result.comment });
  });

  r.patch('/comments/:id', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    const { body } = parse(editBodySchema, req.body);
    res.json({ comment: await comments.edit(await onCommentSite(req, id), id, body) });
  });

  r.delete('/comments/:id', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    res.json({ comment: await comments.remove(await onCommentSite(req, id), id) });
  });

  r.put('/comments/:id/reactions/:type', async (req, res) => {
    const { id, type } = parse(reactionParamsSchema, req.params);
    res.json({ comment: await comments.react(await onCommentSite(req, id), id, type, true) });
  });

  r.delete('/comments/:id/reactions/:type', async (req, res) => {
    const { id, type } = parse(reactionParamsSchema, req.params);
    res.json({ comment: await comments.react(await onCommentSite(req, id), id, type, false) });
  });

  r.post('/comments/:id/flags', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    const { reason } = parse(flagBodySchema, req.body);
    res.status(202).json({ flag: await comments.flag(await onCommentSite(req, id), id, reason) });
  });

  r.get('/sites/:siteId/counts', async (req, res) => {
    const { siteId } = parse(z.object({ siteId: siteIdSchema }), req.params);
    res.json({ counts: await comments.counts(siteId, parseQuery(countsQuerySchema, req.query).page) });
  });

  return r;
}

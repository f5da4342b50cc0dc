import { Router } from 'express';
import { parse, parseQuery } from '../../validate';
import { restActor } from '../../http/request';
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

/** REST adapters of the comments service (SPEC "REST", comment rows). */
export function commentsRouter(comments: CommentsService): Router {
  const r = Router();

  r.get('/sites/:siteId/pages/:pageId/comments', async (req, res) => {
    const { siteId, pageId } = parse(pageParamsSchema, req.params);
    res.json(await comments.list(siteId, pageId, parseQuery(listQuerySchema, req.query), restActor(req)));
  });

  r.post('/sites/:siteId/pages/:pageId/comments', async (req, res) => {
    const { siteId, pageId } = parse(pageParamsSchema, req.params);
    const result = await comments.post(siteId, pageId, parse(postBodySchema, req.body), restActor(req));
    res.status(result.httpStatus).json({ comment: result.comment });
  });

  r.patch('/comments/:id', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    res.json({ comment: await comments.edit(id, parse(editBodySchema, req.body).body, restActor(req)) });
  });

  r.delete('/comments/:id', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    res.json({ comment: await comments.remove(id, restActor(req)) });
  });

  r.put('/comments/:id/reactions/:type', async (req, res) => {
    const { id, type } = parse(reactionParamsSchema, req.params);
    res.json({ comment: await comments.react(id, type, true, restActor(req)) });
  });

  r.delete('/comments/:id/reactions/:type', async (req, res) => {
    const { id, type } = parse(reactionParamsSchema, req.params);
    res.json({ comment: await comments.react(id, type, false, restActor(req)) });
  });

  r.post('/comments/:id/flags', async (req, res) => {
    const { id } = parse(idParamsSchema, req.params);
    res.status(202).json({ flag: await comments.flag(id, parse(flagBodySchema, req.body).reason, restActor(req)) });
  });

  r.get('/sites/:siteId/counts', async (req, res) => {
    const { siteId } = parse(z.object({ siteId: siteIdSchema }), req.params);
    res.json({ counts: await comments.counts(siteId, parseQuery(countsQuerySchema, req.query).page) });
  });

  return r;
}

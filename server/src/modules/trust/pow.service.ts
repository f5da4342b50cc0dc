import { createHmac } from 'node:crypto';
import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PowChallengeResponse } from '@parley/protocol';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import type { SiteRecord } from '../sites/sites.mapper';
import { powLevel, POW_LEVELS } from './pow-levels';

/** The key derivation every Parley challenge uses (ALTCHA v2; WebCrypto has it natively in browsers). */
export const POW_ALGORITHM = 'PBKDF2/SHA-256';
/** PBKDF2 iterations of one attempt. */
export const POW_ITERATIONS = 1000;
/** How long a challenge stays solvable: long enough to write a comment after it was fetched. */
export const POW_TTL_SEC = 20 * 60;

/** Dependencies of {@link ProofOfWork}. */
export interface ProofOfWorkDeps {
  secretsKey: string;
  redis: Redis | null;
  keyPrefix: string;
  rateLimits: RateLimitService;
  logger: Logger;
}

const payloadSchema = z.object({
  challenge: z.object({
    parameters: z.object({
      algorithm: z.literal(POW_ALGORITHM),
      nonce: z.string().max(200),
      salt: z.string().max(200),
      cost: z.number(),
      keyLength: z.number(),
      keyPrefix: z.string().max(200),
      keySignature: z.string().max(200).optional(),
      expiresAt: z.number().optional(),
      data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    }),
    signature: z.string().max(200),
  }),
  solution: z.object({ counter: z.number(), derivedKey: z.string().max(200), time: z.number().optional() }),
});

/** `403 pow_required`: the post needs a solved challenge it does not carry. */
export function powRequired(message = 'this site asks for a proof of work: solve GET /challenge and send proofOfWork'): AppError {
  return new AppError('pow_required', message);
}

/**
 * Proof of work without a third party: signed ALTCHA challenges whose cost
 * rises while the rate-limit counters show a burst from an IP or on a site,
 * and one-time solutions. Used solutions are remembered in Redis until their
 * challenge expires; when Redis is unreachable, in this node's memory (a
 * solution could then be spent once on each node, for at most the TTL).
 */
export class ProofOfWork {
  private readonly signatureSecret: string;
  private readonly keySecret: string;
  private readonly localSpent = new Map<string, number>();
  constructor(private readonly deps: ProofOfWorkDeps) {
    const derive = (label: string) => createHmac('sha256', deps.secretsKey).update(`parley:pow:${label}`).digest('hex');
    this.signatureSecret = derive('signature');
    this.keySecret = derive('key-signature');
  }

  /** Current difficulty for posts from this IP on this site, from the shared counters. */
  async level(site: SiteRecord, ip: string): Promise<number> {
    const [ipPosts, sitePosts] = await Promise.all([
      this.deps.rateLimits.used('postsPerMinutePerIp', site.limits, `${site.siteId}:${ip}`),
      this.deps.rateLimits.sitePosts(site.siteId),
    ]);
    return powLevel(ipPosts, sitePosts);
  }

  /** A new signed challenge for a site, at the difficulty the current traffic calls for. */
  async challenge(site: SiteRecord, ip: string): Promise<PowChallengeResponse> {
    const level = await this.level(site, ip);
    const { min, max } = POW_LEVELS[level]!;
    const challenge = await createChallenge({
      algorithm: POW_ALGORITHM,
      cost: POW_ITERATIONS,
      counter: randomInt(max, min),
      deriveKey,
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySecret,
      expiresAt: Math.floor(Date.now() / 1000) + POW_TTL_SEC,
      data: { siteId: site.siteId, level },
    });
    return {
      challenge: { parameters: challenge.parameters, ...(challenge.signature ? { signature: challenge.signature } : {}) },
      level,
      expectedAttempts: Math.round((min + max) / 2),
    };
  }

  /** Accepts a solution once for this site, or throws `403 pow_required`. */
  async spend(site: SiteRecord, proof: string | undefined): Promise<void> {
    if (!proof) throw powRequired();
    const payload = decode(proof);
    if (!payload || payload.challenge.parameters.data?.siteId !== site.siteId)
      throw powRequired('the proof of work is not a solution of a challenge of this site');
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: this.signatureSecret,
      hmacKeySignatureSecret: this.keySecret,
    }).catch(() => null);
    if (!result?.verified)
      throw powRequired(result?.expired ? 'the challenge has expired: solve a new one' : 'the proof of work is not valid');
    const expiresAt = payload.challenge.parameters.expiresAt ?? Math.floor(Date.now() / 1000) + POW_TTL_SEC;
    if (!(await this.markSpent(payload.challenge.signature, expiresAt)))
      throw powRequired('this proof of work was already used: solve a new challenge');
  }

  private async markSpent(signature: string, expiresAtSec: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAtSec - Math.floor(Date.now() / 1000));
    const redis = this.deps.redis;
    if (redis && redis.status === 'ready') {
      try {
        return (await redis.set(`${this.deps.keyPrefix}pow:${signature}`, '1', 'EX', ttl, 'NX')) === 'OK';
      } catch (err) {
        this.deps.logger.warn({ err }, 'redis unavailable: proof-of-work solutions are remembered per node');
      }
    }
    const now = Date.now();
    const until = this.localSpent.get(signature);
    if (until !== undefined && until > now) return false;
    this.localSpent.set(signature, now + ttl * 1000);
    if (this.localSpent.size > 100_000) for (const [k, v] of this.localSpent) if (v <= now) this.localSpent.delete(k);
    return true;
  }
}

function decode(proof: string): z.infer<typeof payloadSchema> | null {
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(proof, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import type { SiteLimits } from '@parley/protocol';

/** The SPEC's default limits; each site may override any of them with PATCH. */
export const DEFAULT_LIMITS: Readonly<SiteLimits> = Object.freeze({
  postsPerMinutePerUser: 5,
  postsPerMinutePerIp: 30,
  guestTokensPerHourPerIp: 10,
  flagsPerHourPerUser: 20,
  connectionsPerMinutePerIp: 60,
});

/** Names of the per-site limits. */
export type LimitName = keyof SiteLimits;

import type { RequestHandler } from 'express';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../shared/errors';

export interface RateLimitSettings {
  redis: Redis;
  prefix: string;
  ipPerMinute: number;
  userPerMinute: number;
  loginPer15Minutes: number;
}

/**
 * Limits kept in Redis, so every gateway replica counts together. Should
 * Redis fail, an in-process limiter of the same size takes over: the API
 * stays up and still limited.
 */
function limiter(redis: Redis, keyPrefix: string, points: number, duration: number) {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}

const tooMany = (res: RateLimiterRes, what: string) => {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new HttpError(429, 'RATE_LIMITED', `too many ${what}; retry in ${retryAfter} s`, { retryAfter });
};

export function createRateLimits(s: RateLimitSettings) {
  const perIp = limiter(s.redis, `${s.prefix}:ip`, s.ipPerMinute, 60);
  const perUser = limiter(s.redis, `${s.prefix}:user`, s.userPerMinute, 60);
  const perLogin = limiter(s.redis, `${s.prefix}:login`, s.loginPer15Minutes, 15 * 60);

  const consume = async (l: RateLimiterRedis, key: string, what: string, res: Parameters<RequestHandler>[1]) => {
    try {
      const r = await l.consume(key);
      res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // Retry-After: the shared error handler sets it from the error's retryAfter.
      throw tooMany(err, what);
    }
  };

  return {
    /**
     * Requests without a valid token, by client address. Signed-in requests
     * count against their account instead: in a flash sale thousands of
     * buyers can share one carrier-grade NAT address.
     */
    byIp: (async (req, res, next) => {
      if (req.user) return next();
      await consume(perIp, req.ip ?? 'unknown', 'requests from this address', res);
      next();
    }) as RequestHandler,
    /** Signed-in requests, by user, after the token is verified. */
    byUser: (async (req, res, next) => {
      if (req.user) await consume(perUser, req.user.userId, 'requests for this account', res);
      next();
    }) as RequestHandler,
    /**
     * Login attempts by (address, email): slows password guessing against one
     * account without locking out other users behind the same address.
     */
    byLogin: (async (req, res, next) => {
      const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
      await consume(perLogin, `${req.ip ?? 'unknown'}:${email}`, 'login attempts', res);
      next();
    }) as RequestHandler,
  };
}

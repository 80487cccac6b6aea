/**
 * Route descriptions: the single source of openapi.yaml. Each domain lists its
 * routes next to its schemas; scripts/openapi.ts turns them into the document.
 */
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';

export type Auth =
  /** No authentication. */
  | 'public'
  /** RFC 9421 request signature required (SPEC §8). */
  | 'signed'
  /** Public, with more for a signed caller. */
  | 'optional'
  /** The body carries signed events (SPEC §2). */
  | 'event';

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path, e.g. /v1/cards/{card}. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> }>;
  /** Every error code the route can answer with. */
  errors: readonly ErrorCode[];
}

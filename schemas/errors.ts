/**
 * The API's stable error codes and their HTTP statuses (SPEC §8). Codes never
 * change; `detail` messages may. openapi.yaml lists them all (a test checks).
 * Codes marked "not in the SPEC table" are documented extensions (docs/API.md).
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_event: 400,
  unknown_type: 400,
  bad_signature: 401,
  unknown_actor: 401,
  unauthenticated: 401,
  forbidden: 403,
  actor_suspended: 403,
  not_found: 404,
  card_not_found: 404,
  lot_not_found: 404,
  shipment_not_found: 404,
  complaint_not_found: 404,
  duplicate_id: 409,
  actor_exists: 409,
  card_exists: 409,
  lot_exists: 409,
  complaint_exists: 409,
  shipment_exists: 409,
  /** Not in the SPEC table: a malformed path or query parameter on a read. */
  invalid_request: 400,
  payload_too_large: 413,
  /** Not in the SPEC table: this client sent more writes or expensive reads than the operator allows (Retry-After). */
  rate_limited: 429,
  stale_event: 422,
  batch_rejected: 422,
  merchant_suspended: 422,
  merchant_closed: 422,
  merchant_not_closed: 422,
  cap_exceeded: 422,
  payment_rule: 422,
  insufficient_balance: 422,
  holder_signature_required: 422,
  cooling_off_expired: 422,
  custody_ratio: 422,
  release_unbacked: 422,
  complaint_not_open: 422,
  quantity_exceeded: 422,
  not_holder: 422,
  lot_held: 422,
  lot_recalled: 422,
  lot_expired: 422,
  shipment_closed: 422,
  custody_insufficient: 422,
  import_closed: 422,
  /** Not in the SPEC table: a lot already holds the most temperature readings allowed (docs/TRACE.md). */
  readings_exceeded: 422,
  /** Not in the SPEC table: the service cannot take writes (ledger failed or shutting down); retry later. */
  unavailable: 503,
  /**
   * Not in the SPEC table: on a log several service processes share (PostgreSQL), this process does not
   * hold the sequencer lease; it serves reads only. Retry after `Retry-After` seconds (at any of them).
   */
  not_sequencer: 503,
  /** Not in the SPEC table: an unexpected server fault; nothing was appended. */
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

import { problemSchema } from '../errors.js';

/** Declares problem+json responses for the given statuses, for validation and the OpenAPI document. */
export function problems<const S extends number>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<S, typeof problemSchema>;
}

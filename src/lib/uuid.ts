/**
 * The canonical UUID form, in either case. Anything else names no row: answering 404 (or refusing
 * a token) without asking the database also keeps its "invalid input syntax for type uuid" away.
 */
export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

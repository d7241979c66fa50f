/**
 * SQL for the migrations that change the head of stored pseudonyms (issue 16: the key id
 * added to `hmac-sha256:<digest>`). Migrations are history: change nothing here that
 * would make one of them do something else.
 */

/** Pseudonyms `<from><43 base64url characters>` rewritten to `<to><the same characters>`. */
export interface PrefixRewrite {
  /** A regular expression literal for `~`: the whole value has the old shape. */
  shape: string;
  /** The rewritten value of a text expression of that shape. */
  swap(expr: string): string;
  /** A jsonb array expression with its strings of that shape rewritten, order kept. */
  inJsonArray(expr: string): string;
  /** A regular expression literal for `~` on the jsonb's text: it holds such a string. */
  inJsonText: string;
}

export function prefixRewrite(from: string, to: string): PrefixRewrite {
  const swap = (expr: string) => `'${to}' || substr(${expr}, ${from.length + 1})`;
  const shape = `'^${from}[A-Za-z0-9_-]{43}$'`;
  return {
    shape,
    swap,
    inJsonArray: (expr) => `(
      SELECT coalesce(jsonb_agg(
               CASE WHEN jsonb_typeof(e) = 'string' AND e #>> '{}' ~ ${shape}
                    THEN to_jsonb(${swap("e #>> '{}'")}) ELSE e END ORDER BY i), '[]'::jsonb)
        FROM jsonb_array_elements(${expr}) WITH ORDINALITY AS a (e, i))`,
    inJsonText: `'"${from}[A-Za-z0-9_-]{43}"'`,
  };
}

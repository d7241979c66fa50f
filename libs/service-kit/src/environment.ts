/**
 * Production unless development is asked for: NODE_ENV unset (or anything but `development`
 * or `test`) means production, so that a deployment that forgets the variable gets no
 * development token, no clock route and no public development key.
 */
export function isProduction(env: { NODE_ENV?: string }): boolean {
  return env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
}

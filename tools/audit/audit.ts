/**
 * `npm run audit -- <command>`: export the evidence log, and verify an export offline with
 * nothing but the public keys (deploy/README.md, "Verifying offline"). The commands are in
 * apps/audit/src/offline/audit-cli.ts.
 */
import { main, USAGE, UsageError } from '../../apps/audit/src/offline/audit-cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    if (err instanceof UsageError) console.error(USAGE);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);

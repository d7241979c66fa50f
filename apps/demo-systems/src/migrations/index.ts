/** Every migration of demo-systems, in order (each table change is a migration; never synchronize). */
import { DemoSystemsTables1733200000000 } from './1733200000000-demo-systems-tables';
import { RecipientNotices1733800000000 } from './1733800000000-recipient-notices';
import { SmtpSink1734000000000 } from './1734000000000-smtp-sink';
import { CommandApplications1734100000000 } from './1734100000000-command-applications';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  DemoSystemsTables1733200000000,
  RecipientNotices1733800000000,
  SmtpSink1734000000000,
  CommandApplications1734100000000,
];

/**
 * `npm run dlq -- <command>`: list a dead-letter topic's messages with their reasons, and
 * replay chosen ones after a fix (deploy/README.md, "Replaying dead letters").
 *
 *   npm run dlq -- list <topic> [--limit N] [--from <offset>] [--show-payload] [--json]
 *   npm run dlq -- replay <topic> --offset <o>[,<o>...] [--partition <p>] [--dry-run]
 *   npm run dlq -- replay <topic> --all [--dry-run]
 *
 * <topic> is the topic as the contracts name it (`pdata.replies.crm.v1`); its dead letters are
 * in `<topic>.dlq`. Kafka comes from KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_SSL,
 * KAFKA_SSL_CA_FILE and KAFKA_SASL_* (the datarights-ops user in production), as for the
 * services. Payloads are not printed unless --show-payload: they may hold personal data.
 */
import { parseArgs } from 'node:util';
import { createKafka, kafkaSettingsFromEnv, physicalTopic } from '@datarights/messaging';
import { deadLetterTopicOf, describe, readDeadLetters, replay, select, summary } from './dead-letters';

const USAGE = `usage:
  npm run dlq -- list <topic> [--limit N] [--from <offset>] [--show-payload] [--json]
  npm run dlq -- replay <topic> --offset <o>[,<o>...] [--partition <p>] [--dry-run]
  npm run dlq -- replay <topic> --all [--dry-run]
<topic>: e.g. pdata.replies.crm.v1 (its dead letters are in pdata.replies.crm.v1.dlq)`;

class UsageError extends Error {}

export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      limit: { type: 'string' },
      from: { type: 'string' },
      offset: { type: 'string' },
      partition: { type: 'string' },
      all: { type: 'boolean' },
      'show-payload': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, topic] = positionals;
  if (values.help || !command) return out(USAGE);
  if (!topic || positionals.length > 2) throw new UsageError(`${command}: one topic expected`);
  const settings = kafkaSettingsFromEnv(process.env);
  const dlq = deadLetterTopicOf(settings, topic);
  const kafka = createKafka(settings, 'datarights.ops.dlq');

  if (command === 'list') {
    const limit = values.limit === undefined ? Infinity : whole(values.limit, '--limit');
    const from = values.from === undefined ? -1n : BigInt(whole(values.from, '--from'));
    const all = await readDeadLetters(kafka, dlq);
    const shown = all.filter((l) => BigInt(l.offset) >= from).slice(0, limit);
    if (values.json) {
      for (const l of shown) out(JSON.stringify(summary(l, values['show-payload'])));
      return;
    }
    out(`${dlq}: ${all.length} dead letter(s)${shown.length < all.length ? `, showing ${shown.length}` : ''}`);
    for (const l of shown) out(describe(l, values['show-payload']));
    return;
  }

  if (command === 'replay') {
    if (!values.all && !values.offset) throw new UsageError('replay: --offset <o>[,<o>...] or --all is required');
    if (values.all && values.offset) throw new UsageError('replay: --offset and --all exclude each other');
    const offsets = values.offset?.split(',').map((o) => String(whole(o.trim(), '--offset')));
    const partition = values.partition === undefined ? undefined : whole(values.partition, '--partition');
    const chosen = select(await readDeadLetters(kafka, dlq), { all: values.all, offsets, partition });
    if (chosen.length === 0) return out(`${dlq}: nothing to replay`);
    if (values['dry-run']) {
      for (const l of chosen)
        out(
          `would replay ${l.partition}:${l.offset} to ${l.originalTopic ?? physicalTopic(settings, topic)} (${l.eventType ?? 'not a CloudEvent'}; ${l.reason ?? 'no reason'})`,
        );
      return;
    }
    const sent = await replay(kafka, dlq, chosen, physicalTopic(settings, topic.replace(/\.dlq$/, '')));
    for (const r of sent) out(`replayed ${r.from} -> ${r.to} (key ${r.key ?? 'none'})`);
    out(`${sent.length} message(s) replayed; consumers skip any they had already handled.`);
    return;
  }
  throw new UsageError(`unknown command ${command}`);
}

function whole(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} must be a whole number, not ${raw}`);
  return Number(raw);
}

if (require.main === module) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      if (err instanceof UsageError) console.error(USAGE);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}

/** The recipients of a request, as the DPO reads them and as the subject is told (Art. 19, last sentence). Pure. */
import type { RecipientRow } from './recipients.repository';
import type { RecipientNoticeDto } from './dto/recipients.dto';

export function toRecipientDto(r: RecipientRow): RecipientNoticeDto {
  return {
    noticeId: r.noticeId,
    name: r.recipient.name,
    kind: r.recipient.kind,
    country: r.recipient.country,
    ...(r.recipient.systemId ? { systemId: r.recipient.systemId } : {}),
    fromSystemId: r.fromSystemId,
    action: r.action,
    categories: r.categories,
    status: r.status,
    reminders: r.reminders,
    respondBy: r.respondBy?.toISOString() ?? null,
    reason: r.reason,
    acknowledgedBy: r.acknowledgedBy,
    notifiedAt: r.notifiedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * What the subject is told: each recipient once (a recipient told by several systems is
 * one organisation to them), with its kind, country, the categories it received and what
 * it was told; not our internal statuses or reasons.
 */
export function subjectRecipientList(
  rows: readonly RecipientRow[],
): Array<{ name: string; kind: string; country: string; categories: string[]; told: string[] }> {
  const byName = new Map<
    string,
    { name: string; kind: string; country: string; categories: Set<string>; told: Set<string> }
  >();
  for (const r of rows) {
    const e = byName.get(r.recipient.name) ?? {
      name: r.recipient.name,
      kind: r.recipient.kind,
      country: r.recipient.country,
      categories: new Set<string>(),
      told: new Set<string>(),
    };
    r.categories.forEach((c) => e.categories.add(c));
    e.told.add(r.action);
    byName.set(r.recipient.name, e);
  }
  return [...byName.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => ({
      name: e.name,
      kind: e.kind,
      country: e.country,
      categories: [...e.categories].sort(),
      told: [...e.told].sort(),
    }));
}

/**
 * What a recipient's notice asks of the DPO: one that could not be told, refused, or never
 * answered, until an acknowledgement is recorded. The request itself is not held up: its
 * answer to the subject does not wait on a third party.
 */
export function recipientAttention(rows: readonly RecipientRow[]): string[] {
  const why: Partial<Record<RecipientRow['status'], string>> = {
    'not-notified': 'could not be told through the system: tell it by other means, then record its acknowledgement',
    declined: 'answered that it cannot act on the notice',
    unacknowledged: 'never acknowledged the notice',
  };
  return rows
    .filter((r) => why[r.status] && !r.acknowledgementRequestedAt)
    .map((r) => `recipient ${r.recipient.name} (of ${r.fromSystemId}): ${why[r.status]} (Art. 19)`);
}

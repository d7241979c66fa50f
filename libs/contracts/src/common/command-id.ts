import { createHash } from 'node:crypto';

/** The namespace of export command ids (a fixed random UUID). */
const EXPORT_COMMANDS = '6d1f4c9e-3b7a-4e2f-9c51-8a0d2e7b4f13';

/**
 * The commandId of the export command for one system and one request: a name-based UUID
 * (RFC 4122 version 5), so that it is the same on every re-send and any service can tell
 * that a reply on `pdata.replies.<systemId>.v1` answers data-locator's export (and not, say, an
 * erase command the executor never sent) without sharing state.
 */
export function exportCommandId(requestId: string, systemId: string): string {
  const ns = Buffer.from(EXPORT_COMMANDS.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(`${requestId}:${systemId}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isExportCommandId(commandId: string, requestId: string, systemId: string): boolean {
  return commandId === exportCommandId(requestId, systemId);
}

import { isUUID } from 'class-validator';
import { exportCommandId, isExportCommandId } from './command-id';

describe('export command ids', () => {
  const requestId = '3f1c0d2e-1234-4567-8901-123456789012';

  it('are version-5 UUIDs, the same for the same request and system', () => {
    const id = exportCommandId(requestId, 'crm');
    expect(isUUID(id, 5)).toBe(true);
    expect(exportCommandId(requestId, 'crm')).toBe(id);
  });

  it('differ per system and per request, and are recognised only for their pair', () => {
    const id = exportCommandId(requestId, 'crm');
    expect(exportCommandId(requestId, 'billing')).not.toBe(id);
    expect(exportCommandId('5a1c0d2e-1234-4567-8901-123456789012', 'crm')).not.toBe(id);
    expect(isExportCommandId(id, requestId, 'crm')).toBe(true);
    expect(isExportCommandId(id, requestId, 'billing')).toBe(false);
  });
});

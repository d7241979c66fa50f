/**
 * Bulk filing limits, read from the environment once when the module is created: past
 * either, `POST /v1/requests/bulk` answers 413 and files nothing. The byte limit should not
 * exceed what the ingress lets through (deploy/k8s/base/ingress.yaml: 1m).
 */
import { IsInt, Max, Min } from 'class-validator';
import { loadConfig } from '@datarights/service-kit';

export class BulkFilingConfig {
  /** Lines (requests) one bulk filing may hold, a CSV header not counted. */
  @IsInt()
  @Min(1)
  @Max(100000)
  BULK_MAX_LINES: number = 5000;

  /** Bytes of the body of one bulk filing. */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BULK_MAX_BYTES: number = 1024 * 1024;
}

export const bulkFilingConfig = (): BulkFilingConfig => loadConfig(BulkFilingConfig, process.env);

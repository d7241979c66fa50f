/**
 * A package from exports held whole in memory, as one zip buffer: what the package
 * builder's spec reads. The service never builds one this way: it streams each system's
 * stored reply parts through writePackage into encryption and storage.
 */
import { PassThrough } from 'node:stream';
import { writePackage, type StreamedPackageInput, type SystemSource } from '../src/package/package-builder';

/** One system's export, whole in memory. */
export interface SystemExport {
  systemId: string;
  categories: string[];
  records: Record<string, unknown>[];
}

export type PackageInput = Omit<StreamedPackageInput, 'exports'> & { exports: readonly SystemExport[] };

export async function buildPackage(
  input: PackageInput,
): Promise<{ zip: Buffer; records: number; categories: string[] }> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  const { records, categories } = await writePackage({ ...input, exports: input.exports.map(inMemory) }, [sink]);
  return { zip: Buffer.concat(chunks), records, categories };
}

function inMemory(e: SystemExport): SystemSource {
  return {
    systemId: e.systemId,
    categories: e.categories,
    batches: async function* () {
      yield e.records;
    },
  };
}

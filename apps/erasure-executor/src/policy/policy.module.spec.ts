import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { PolicyError, type Policy } from '@datarights/policy';
import { loadServicePolicy, POLICY, PolicyModule } from './policy.module';

describe('the policy at start-up', () => {
  let dir: string;
  const saved = process.env.POLICY_FILE;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'executor-policy-'))));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.POLICY_FILE;
    else process.env.POLICY_FILE = saved;
  });

  it('loads the French default profile when POLICY_FILE is not set', async () => {
    delete process.env.POLICY_FILE;
    const module = await Test.createTestingModule({ imports: [PolicyModule] }).compile();
    expect(module.get<Policy>(POLICY).profile).toBe('fr-hosting-provider');
  });

  it('refuses an invalid file, naming the file and the path of the error, and the service does not start', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `version: 1
profile: broken
deadlines: { response: P1M, extensionMax: P2M, proofPeriod: P5Y }
commands: { respondWithin: PT1H, maxAttempts: 4, retryBackoff: PT5M }
categories:
  default: { action: erase }
  billing: { action: retain, retention: { period: ten years, from: record-date, ground: "Art. 17(3)(b)", legalText: "Code de commerce L123-22" } }
`,
    );
    expect(() => loadServicePolicy(file)).toThrow(PolicyError);
    expect(() => loadServicePolicy(file)).toThrow(
      `invalid policy file ${file}:\n  - categories.billing.retention.period: must be an ISO 8601 duration`,
    );
    process.env.POLICY_FILE = file;
    await expect(Test.createTestingModule({ imports: [PolicyModule] }).compile()).rejects.toThrow(
      'categories.billing.retention.period: must be an ISO 8601 duration',
    );
  });
});

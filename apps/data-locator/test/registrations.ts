/**
 * Registrations of company systems that wait for the DPO (any capability does): tests
 * approve them through the HTTP API, as the DPO would, before relying on the register.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { waitFor } from '@datarights/testing';

/** Waits until each system has a registration waiting for the DPO, and approves it with this DPO token. */
export async function approveRegistrations(app: INestApplication, token: string, systemIds: string[]): Promise<void> {
  for (const systemId of systemIds) {
    const held = await waitFor(async () => {
      const res = await request(app.getHttpServer()).get('/v1/systems').set('Authorization', `Bearer ${token}`);
      return (res.body.pending as Array<{ systemId: string; registrationId: string }> | undefined)?.find(
        (p) => p.systemId === systemId,
      );
    }, `a registration of ${systemId} waiting for the DPO`);
    await request(app.getHttpServer())
      .post(`/v1/systems/${systemId}/registrations/${held.registrationId}/approval`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
  }
}

/** The only TypeORM user of plans: one per request, written once. */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PlanItem, RequestType } from '@datarights/contracts';

export interface NewPlan {
  requestId: string;
  requestType: RequestType;
  subjectRef: string;
  items: PlanItem[];
  causedBy: string;
}

@Injectable()
export class PlanRepository {
  /** Stores the plan unless the request has one already; returns whether it was stored. */
  async insertOnce(tx: EntityManager, plan: NewPlan): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO plans (request_id, request_type, subject_ref, items, caused_by) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
      [plan.requestId, plan.requestType, plan.subjectRef, JSON.stringify(plan.items), plan.causedBy],
    );
    return rows.length > 0;
  }
}

/**
 * demo-systems is ready only while all its connectors consume their command topics. A
 * connector whose consumer crashed (a broker roll, issue 15) leaves PostgreSQL and Kafka
 * answering, so without this /health/ready said "ok" while every command to that system
 * waited forever. Not part of liveness: the SDK restarts the consumer itself, and killing
 * the process would not bring the broker back sooner.
 */
import { Injectable } from '@nestjs/common';
import type { ReadinessCheck, ReadinessResult } from '@datarights/service-kit';
import { ConnectorsService } from './connectors.service';

@Injectable()
export class ConnectorsReadiness implements ReadinessCheck {
  readonly name = 'connectors';

  constructor(private readonly connectors: ConnectorsService) {}

  check(): ReadinessResult {
    const views = this.connectors.connectorViews();
    const notRunning = Object.entries(views).filter(([, v]) => v.state !== 'running');
    return { ready: notRunning.length === 0, details: Object.fromEntries(notRunning) };
  }
}

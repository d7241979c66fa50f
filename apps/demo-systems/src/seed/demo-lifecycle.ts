/**
 * Start and stop order of the demo systems. Runs after the migrations (bootstrap hooks
 * run in `app.init()`, which service-kit calls once they are done): the connectors start
 * (registration, command consumers) while the seeding begins in the background; on
 * shutdown the announcing stops after its current page, then each connector finishes
 * the command in progress and disconnects, while the database is still open.
 */
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConnectorsService } from '../systems/connectors.service';
import { SeedService } from './seed.service';

@Injectable()
export class DemoLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly seed: SeedService,
    private readonly connectors: ConnectorsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.seed.start();
    await this.connectors.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.seed.stop();
    await this.connectors.stop();
  }
}

/**
 * Makes sure each registered system has its command topic (and its dead-letter topic):
 * one topic per system, so that each system's credentials can be limited to its own
 * commands (docs/kafka-contract.md). Topic creation talks to the Kafka controller and may take a
 * while, so it never runs inside the registration's database transaction: the handler
 * only asks for it, this runs it beside, and the `command_topic_ready_at` column records
 * it once done. Every system is checked again at start-up and pending ones periodically,
 * so a crash between the commit and the creation only delays it. Creating a topic that
 * exists is a no-op (idempotent).
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TopicAdmin } from '@datarights/messaging';
import { InventoryRepository } from './inventory.repository';

const RECHECK_MS = 5_000;

@Injectable()
export class CommandTopicProvisioner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CommandTopicProvisioner.name);
  private readonly queue = new Set<string>();
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly topics: TopicAdmin,
    private readonly repo: InventoryRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.recheck(false);
    this.timer = setInterval(() => this.recheck(true), RECHECK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a system's command topic; returns at once (the work runs beside the caller). */
  request(systemId: string): void {
    if (this.stopped) return;
    this.queue.add(systemId);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once every requested topic has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private recheck(onlyPending: boolean): void {
    this.repo
      .systemIdsNeedingTopic(onlyPending)
      .then((ids) => ids.forEach((id) => this.request(id)))
      .catch((err: unknown) =>
        this.logger.warn(`could not list systems awaiting a command topic: ${(err as Error).message}`),
      );
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const systemId = this.queue.values().next().value as string;
      this.queue.delete(systemId);
      try {
        const topic = await this.topics.ensureCommandTopic(systemId);
        // 0 rows when the registration has not committed yet: the next recheck marks it.
        if (await this.repo.markTopicReady(systemId))
          this.logger.log(`command topic ${topic} ready for system ${systemId}`);
      } catch (err) {
        // Left pending in the table: the periodic recheck tries again.
        this.logger.warn(`could not create the command topic of system ${systemId}: ${(err as Error).message}`);
      }
    }
  }
}

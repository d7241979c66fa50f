/** The mail sink: what the company's mail gateway would send, kept so the demo can show it. */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationRequested } from '@datarights/contracts';
import { MailRepository, type MailFilter, type MailMessage, type SmtpMessage } from './mail.repository';

@Injectable()
export class MailService {
  constructor(private readonly repo: MailRepository) {}

  receive(tx: EntityManager, notification: NotificationRequested): Promise<void> {
    return this.repo.save(tx, notification);
  }

  list(filter: MailFilter): Promise<MailMessage[]> {
    return this.repo.find(filter);
  }

  delivered(filter: MailFilter): Promise<SmtpMessage[]> {
    return this.repo.findDelivered(filter);
  }
}

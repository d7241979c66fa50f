/** `dsr.notifications.v1`: a message for the company's mail gateway to send. */
import { IsIn, IsObject, IsString, IsUUID, Length, Matches } from 'class-validator';

export const NOTIFICATION_CHANNELS = ['email', 'sms', 'post'] as const;

export class NotificationRequested {
  @IsUUID()
  notificationId: string;

  @IsUUID()
  requestId: string;

  @IsIn(NOTIFICATION_CHANNELS)
  channel: (typeof NOTIFICATION_CHANNELS)[number];

  /** The address on file (never an address that only an unverified request supplied). */
  @IsString()
  @Length(1, 500)
  to: string;

  /** e.g. `identity-code`, `request-completed`, `deadline-extended`, `request-refused`. */
  @Matches(/^[a-z][a-z0-9-]{0,62}$/)
  template: string;

  /** BCP 47 language tag, e.g. `fr-FR`. */
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  locale: string;

  @IsObject()
  variables: Record<string, unknown>;
}

/**
 * Self-service (issue 4): subjects file their own requests (public, rate-limited), the
 * deadline is suspended while their proof of identity is awaited and resumed on
 * verification, unverified requests close after the policy's delay, repeated requests are
 * flagged for the DPO. Owns `verification_clock`.
 */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { selfServiceConfig, selfServiceLimit } from './self-service.config';
import { SelfServiceController } from './self-service.controller';
import { SelfServiceRepository } from './self-service.repository';
import { SelfServiceService } from './self-service.service';
import { SelfServiceThrottlerGuard } from './self-service.throttler';
import { UnverifiedCheck } from './unverified-check';
import { VerificationClockService } from './verification-clock.service';

@Module({
  imports: [RequestsModule],
  controllers: [SelfServiceController],
  providers: [
    SelfServiceRepository,
    SelfServiceService,
    SelfServiceThrottlerGuard,
    VerificationClockService,
    UnverifiedCheck,
  ],
  exports: [VerificationClockService, UnverifiedCheck],
})
export class SelfServiceModule {
  constructor() {
    selfServiceLimit.perMinute = selfServiceConfig().RATE_LIMIT_SELF_SERVICE_PER_MINUTE;
  }
}

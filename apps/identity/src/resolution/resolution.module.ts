/**
 * Resolution and verification of requests: owns identity's `requests` and `challenges`;
 * consumes `dsr.requests.v1`, publishes on `dsr.identity.v1` and `dsr.notifications.v1`
 * (one-time codes); serves the subject's answer to the challenge.
 */
import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { appConfig } from '../config/app.config';
import { SubjectGraphModule } from '../subject-graph/subject-graph.module';
import { ChallengeRepository } from '../verification/challenge.repository';
import { ChallengeService } from '../verification/challenge.service';
import { VerificationController } from '../verification/verification.controller';
import { IdentityVerifier } from './identity-verifier';
import { ResolutionConsumer } from './resolution.consumer';
import { PendingResolutionLoop } from './pending-resolution.loop';
import { ResolutionRepository } from './resolution.repository';
import { ResolutionService } from './resolution.service';

@Module({
  imports: [
    SubjectGraphModule,
    // Read when the app is created, so that a test can set its own limit.
    ThrottlerModule.forRootAsync({
      useFactory: () => ({ throttlers: [{ ttl: 60_000, limit: appConfig().RATE_LIMIT_VERIFY_PER_MINUTE }] }),
    }),
  ],
  controllers: [ResolutionConsumer, VerificationController],
  providers: [
    ResolutionRepository,
    ResolutionService,
    PendingResolutionLoop,
    IdentityVerifier,
    ChallengeRepository,
    ChallengeService,
  ],
})
export class ResolutionModule {}

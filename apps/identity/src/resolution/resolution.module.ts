/**
 * Resolution and verification of requests: owns identity's `requests` and `challenges`;
 * consumes `dsr.requests.v1`, publishes on `dsr.identity.v1` and `dsr.notifications.v1`
 * (one-time codes); serves the subject's answer to the challenge.
 */
import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { throttlerStorage } from '@datarights/service-kit';
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
    // The counters in PostgreSQL by default: every replica shares one budget (RATE_LIMIT_STORE).
    ThrottlerModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => {
        const config = appConfig();
        return {
          throttlers: [{ ttl: 60_000, limit: config.RATE_LIMIT_VERIFY_PER_MINUTE }],
          storage: throttlerStorage(config.RATE_LIMIT_STORE, dataSource),
        };
      },
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

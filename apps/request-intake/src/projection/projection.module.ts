/** The projection: the other services' events about a request, folded into its status, actions, holds and timeline. */
import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { SelfServiceModule } from '../self-service/self-service.module';
import { PackageReleaseController } from './package-release.controller';
import { ProjectionConsumer } from './projection.consumer';
import { ProjectionService } from './projection.service';

@Module({
  imports: [RequestsModule, SelfServiceModule],
  controllers: [ProjectionConsumer, PackageReleaseController],
  providers: [ProjectionService],
})
export class ProjectionModule {}

/** The validated configuration as an injectable, read once when the app is created (tests set their env first). */
import { Global, Module } from '@nestjs/common';
import { appConfig, DemoSystemsConfig } from './app.config';

@Global()
@Module({
  providers: [{ provide: DemoSystemsConfig, useFactory: () => appConfig() }],
  exports: [DemoSystemsConfig],
})
export class ConfigModule {}

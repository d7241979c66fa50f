/** `/metrics` for Prometheus (prom-client's default registry, with a `service` label). */
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from './auth.guard';

let initialised = false;
export function initMetrics(service: string): void {
  if (initialised) return;
  initialised = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
}

// Scraped by Prometheus inside the cluster; NetworkPolicies keep it there.
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { SYSTEM_IDS } from '../../systems/system-catalog';

export class CustomerSummaryDto {
  @ApiProperty({ example: 'C-000001' }) customerId: string;
  @ApiProperty({ example: 'camille.martin.1@example.test' }) email: string;
  @ApiProperty({ example: '+33600048272' }) phone: string;
  @ApiProperty({ example: 'Camille Martin' }) name: string;
  @ApiProperty({
    enum: SYSTEM_IDS,
    isArray: true,
    description: 'The systems holding at least one row with one of these keys, now.',
  })
  systems: string[];
}

export class CustomersPageDto {
  @ApiProperty({ type: [CustomerSummaryDto] }) customers: CustomerSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class CustomerHoldingsDto {
  @ApiProperty() customerId: string;
  @ApiProperty() email: string;
  @ApiProperty() phone: string;
  @ApiProperty() name: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
    description:
      "systemId → table → the rows it holds that carry the customer's email, customer id or phone (empty once erased).",
    example: {
      crm: { crm_customers: [{ customer_id: 'C-000001', email: 'camille.martin.1@example.test' }] },
      billing: { billing_invoices: [], billing_payments: [] },
    },
  })
  systems: Record<string, Record<string, Record<string, unknown>[]>>;
}

const CONNECTOR_STATES = ['new', 'starting', 'running', 'restarting', 'stopped', 'failed'];

export class ConnectorViewDto {
  @ApiProperty({ enum: CONNECTOR_STATES }) state: string;
  @ApiProperty({ description: 'Consumer restart attempts by the connector SDK since start.' }) restarts: number;
  @ApiProperty({ required: false, example: 'KafkaJSGroupCoordinatorNotFound' }) lastError?: string;
  @ApiProperty({ required: false, format: 'date-time' }) lastErrorAt?: string;
}

@ApiExtraModels(ConnectorViewDto)
export class DemoStatusDto {
  @ApiProperty({
    enum: ['pending', 'seeding', 'publishing', 'ready', 'failed'],
    description: 'failed: retrying with backoff.',
  })
  seedStatus: string;
  @ApiProperty({ description: 'Customers seeded.' }) customers: number;
  @ApiProperty({ description: 'Seeded rows announced so far with a stored data event.' }) published: number;
  @ApiProperty({ description: 'Seeded rows to announce.' }) total: number;
  @ApiProperty({ enum: SYSTEM_IDS, isArray: true, description: 'Systems whose seeded rows are all announced.' })
  publishedSystems: string[];
  @ApiProperty({ required: false }) seedMs?: number;
  @ApiProperty({ required: false, description: 'Set when this process did the announcing.' }) publishMs?: number;
  @ApiProperty({ required: false }) lastError?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: CONNECTOR_STATES },
    description:
      "Each connector's real state: restarting while its consumer is being brought back after a crash (the service is then not ready).",
  })
  connectors: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ConnectorViewDto) },
    description: "Each connector's state, consumer restart attempts since start, and last error (class and code only).",
  })
  connectorDetails: Record<string, ConnectorViewDto>;
}

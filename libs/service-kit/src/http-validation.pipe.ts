import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/**
 * Validates HTTP input only (body, query, route params: 400 with the reason, unknown fields
 * refused). The app's config is shared with the Kafka transport, whose handlers receive
 * payloads the messaging lib has already validated against the contracts, and a context
 * object that is no DTO: Nest passes RPC parameters with numeric types, skipped here.
 */
export class HttpValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return Promise.resolve(value);
    return super.transform(value, metadata);
  }
}

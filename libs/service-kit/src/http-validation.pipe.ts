import { ValidationPipe } from '@nestjs/common';

/**
 * HTTP input validation for every service: 400 with the reason, unknown fields refused,
 * query and route parameters converted to their DTO types. One definition, so that a
 * controller test can use exactly what bootstrap installs.
 */
export class HttpValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true });
  }
}

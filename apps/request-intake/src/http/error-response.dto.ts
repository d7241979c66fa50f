/** The one error shape of every HTTP answer (libs/service-kit's filter), as OpenAPI documents it. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@datarights/service-kit';

export class ErrorBodyDto {
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode' }) code: ErrorCode;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: 'e.g. each validation message' }) details?: unknown;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ type: ErrorBodyDto }) error: ErrorBodyDto;
}

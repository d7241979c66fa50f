import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';

export class CodeAnswerDto {
  @ApiProperty({ enum: ['code'], description: 'How the subject proves their identity.' })
  @IsIn(['code'])
  method: 'code';

  @ApiProperty({ example: '042917', description: 'The one-time code received at the contact on file.' })
  @Matches(/^\d{4,10}$/, { message: 'code must be the digits received' })
  code: string;
}

export class VerifiedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['verified'] }) status: 'verified';
  @ApiProperty({ enum: ['code'] }) method: 'code';
}

export class CodeSentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
  @ApiProperty({
    description:
      'Always the same text: a new code went to the contact on file if the request was waiting for one; otherwise nothing was sent.',
  })
  message: string;
}

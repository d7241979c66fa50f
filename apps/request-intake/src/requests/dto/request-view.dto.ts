/** What the API answers: the filed request, a request in full, a page of requests, an error. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RecipientNoticeDto } from './recipients.dto';
import {
  ACTION_KINDS,
  CHANNELS,
  REQUEST_TYPES,
  type ActionKind,
  type Channel,
  type RequestType,
} from '@datarights/contracts';
import { REQUEST_OUTCOMES, REQUEST_STATUSES, type RequestOutcome, type RequestStatus } from '../request-state';
import { ACTION_OUTCOMES, ACTION_STATUSES, type ActionOutcome, type ActionStatus } from '../request-actions';

export class FiledRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_STATUSES, example: 'received' }) status: RequestStatus;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({
    format: 'date-time',
    description: 'receivedAt + one calendar month (GDPR Art. 12(3); Regulation 1182/71).',
  })
  dueAt: string;
}

export class AcceptedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiPropertyOptional({ enum: REQUEST_OUTCOMES, nullable: true }) outcome?: RequestOutcome | null;
}

export class ExtendedRequestDto extends AcceptedDto {
  @ApiProperty({
    format: 'date-time',
    description: 'The new due date: receipt + one month + the extension (Art. 12(3)).',
  })
  dueAt: string;
}

export class RequestSubjectViewDto {
  @ApiPropertyOptional({ nullable: true }) email: string | null;
  @ApiPropertyOptional({ nullable: true }) customerId: string | null;
  @ApiPropertyOptional({ nullable: true }) phone: string | null;
  @ApiPropertyOptional({ nullable: true }) name: string | null;
}

export class RepresentativeViewDto {
  @ApiProperty({ example: 'MAND-2026/0042', description: "The mandate's reference (keyed hash once minimised)." })
  mandateReference: string;
  @ApiPropertyOptional({
    nullable: true,
    description: "The representative's name, if given (personal data; keyed hash once minimised).",
  })
  name: string | null;
}

export class CandidateDto {
  @ApiProperty({ description: 'Pseudonymous subject id in the identity graph.' }) subjectRef: string;
  @ApiProperty({ type: [String], description: 'Masked keys (j***@example.com).' }) hints: string[];
  @ApiProperty({ description: 'Records held under this subject.' }) records: number;
}

export class SystemActionDto {
  @ApiProperty() systemId: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Null until a command is sent.' }) commandId:
    string | null;
  @ApiPropertyOptional({ enum: ACTION_KINDS, nullable: true }) kind: ActionKind | null;
  @ApiProperty({ type: [String] }) categories: string[];
  @ApiProperty({ enum: ACTION_STATUSES }) status: ActionStatus;
  @ApiProperty({ enum: ACTION_OUTCOMES }) outcome: ActionOutcome;
  @ApiPropertyOptional({ nullable: true }) affectedRecords: number | null;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, description: 'Why it was escalated or closed by hand.' }) reason:
    string | null;
}

export class HoldDto {
  @ApiProperty({ format: 'uuid' }) holdId: string;
  @ApiProperty() systemId: string;
  @ApiProperty() category: string;
  @ApiProperty({ example: 'Art. 17(3)(b)' }) ground: string;
  @ApiProperty({ example: 'Code de commerce L123-22' }) legalText: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The end of the hold; with `startPending`, the earliest it can end.',
  })
  until: string;
  @ApiPropertyOptional({
    nullable: true,
    example: 'contract-end',
    description:
      "The start of the period that has not happened yet (the policy's `from`): the data is kept, restricted, until the system reports it, then for the period.",
  })
  startPending: string | null;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: "When the period ended and the held data's erase command was sent.",
  })
  expiredAt: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'That erase command (one of `systems`).' })
  eraseCommandId: string | null;
}

export class ExtensionViewDto {
  @ApiProperty({ enum: [1, 2] }) months: number;
  @ApiProperty({ format: 'date-time' }) extendedAt: string;
  @ApiProperty() extendedBy: string;
  @ApiProperty({ format: 'date-time', description: 'The due date before the extension.' }) originalDueAt: string;
  @ApiPropertyOptional({ description: 'The reasons told to the subject (DPO only).' }) reason?: string;
}

export class InformationAwaitedViewDto {
  @ApiProperty({ format: 'date-time', description: 'Since when the deadline stands still.' }) since: string;
  @ApiProperty() requestedBy: string;
  @ApiPropertyOptional({ description: 'What was asked of the subject (DPO only).' }) reason?: string;
}

export class DecisionViewDto {
  @ApiProperty({ enum: ['refused', 'rejected'] }) outcome: string;
  @ApiPropertyOptional({ enum: ['manifestly-unfounded', 'excessive'], nullable: true }) ground: string | null;
  @ApiProperty() decidedBy: string;
  @ApiPropertyOptional({ description: 'The reasons (Art. 12(4)) or justification (Art. 12(5)) (DPO only).' })
  reasons?: string;
}

export class PackageReleaseViewDto {
  @ApiProperty({ format: 'date-time', description: 'Since when the package waits for the DPO.' }) waitingSince: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) releasedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) releasedBy: string | null;
}

export class TimelineEntryDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'dsr.subject.resolved.v1', description: 'The CloudEvents type.' }) event: string;
  @ApiProperty({ example: 'subject matched', description: 'Holds no personal data.' }) summary: string;
}

export class VerificationViewDto {
  @ApiPropertyOptional({ nullable: true }) method: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) verifiedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) attestedBy: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) attestedAt: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'What evidence the DPO saw (DPO only).' }) note?: string | null;
}

export class RequestViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type: RequestType;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({
    format: 'date-time',
    description:
      'When the controller received the request (the time limit runs from it), which may be before its filing.',
  })
  receivedAt: string;
  @ApiPropertyOptional({
    nullable: true,
    description: 'What proves receivedAt, for a request filed after it was received (DPO only).',
  })
  receiptEvidence?: string | null;
  @ApiProperty({
    format: 'date-time',
    description:
      "The end of the legal day the answer is due: one month from receipt, moved by the suspended days, plus any extension (Art. 12(3); Regulation 1182/71 art. 3, controller's time zone).",
  })
  dueAt: string;
  @ApiProperty({ description: 'Calendar days the deadline stood still so far (décret 2019-536 art. 77).' })
  suspendedDays: number;
  @ApiPropertyOptional({
    type: InformationAwaitedViewDto,
    description: 'The DPO awaits information asked of the subject: the deadline stands still.',
  })
  informationAwaited?: InformationAwaitedViewDto;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiPropertyOptional({ enum: REQUEST_OUTCOMES, nullable: true }) outcome: RequestOutcome | null;
  @ApiProperty({ description: 'Not closed and past its due date.' }) overdue: boolean;
  @ApiProperty({ description: "Not closed, not overdue, and due within the policy's deadlines.dueSoonWithin." })
  dueSoon: boolean;
  @ApiPropertyOptional({ type: ExtensionViewDto, description: 'The extension of the deadline (Art. 12(3)), if any.' })
  extension?: ExtensionViewDto;
  @ApiPropertyOptional({
    type: DecisionViewDto,
    description: 'Refused (Art. 12(4)) or rejected (Art. 12(5)) by the DPO.',
  })
  decision?: DecisionViewDto;
  @ApiPropertyOptional({
    type: PackageReleaseViewDto,
    description:
      "The package holds records a system flagged as other people's data (Art. 15(4)): it leaves once the DPO releases it (POST /v1/requests/{id}/package-release).",
  })
  packageRelease?: PackageReleaseViewDto;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'When the identifiers were replaced by keyed hashes (proof period over).',
  })
  minimisedAt: string | null;
  @ApiProperty({ type: RequestSubjectViewDto, description: 'Keyed hashes (hmac-sha256:...) once minimised.' })
  subject: RequestSubjectViewDto;
  @ApiPropertyOptional({
    type: RepresentativeViewDto,
    description: 'Filed by a representative under a mandate (the DPO attests it).',
  })
  representative?: RepresentativeViewDto;
  @ApiPropertyOptional({ nullable: true, description: 'Filing note (DPO only).' }) note?: string | null;
  @ApiPropertyOptional({
    type: [String],
    description:
      'Why the request needs the DPO (escalated actions; recipients that could not be told, refused or never answered).',
  })
  attention?: string[];
  @ApiPropertyOptional({ type: [CandidateDto], description: 'When the identifiers matched no subject or several.' })
  candidates?: CandidateDto[];
  @ApiProperty({ type: VerificationViewDto }) verification: VerificationViewDto;
  @ApiProperty({ type: [SystemActionDto] }) systems: SystemActionDto[];
  @ApiProperty({
    type: [HoldDto],
    description: 'Data kept under a legal obligation (Art. 17(3)), restricted until the date (Art. 18).',
  })
  holds: HoldDto[];
  @ApiProperty({
    type: [RecipientNoticeDto],
    description: 'Recipients told of a rectification, erasure or restriction (Art. 19), and their answers.',
  })
  recipients: RecipientNoticeDto[];
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
}

export class RequestSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type: RequestType;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiProperty({ enum: CHANNELS, description: 'How the request was received.' }) channel: Channel;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ description: "Not closed, not overdue, and due within the policy's deadlines.dueSoonWithin." })
  dueSoon: boolean;
}

export class RequestPageDto {
  @ApiProperty({ type: [RequestSummaryDto] }) items: RequestSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A processor system (Art. 28) as it registered on pdata.systems.<systemId>.v1: whom to forward requests about its data to. */
@Entity({ name: 'processor_system' })
export class ProcessorSystemEntity {
  @PrimaryColumn('text', { name: 'system_id' })
  systemId: string;

  @Column('text', { nullable: true })
  controller: string | null;

  /** Personal data of the controller's staff: used as the notice's address only; never logged. */
  @Column('text', { name: 'controller_contact', nullable: true })
  controllerContact: string | null;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}

import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** One state a transfer was in, and when: its history, kept locally. */
@Entity({ tableName: 'transfer_event' })
export class TransferEvent {
  [OptionalProps]?: 'id' | 'recordedAt';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  transferId!: string;

  @Property({ type: 'text' })
  state!: string;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  /** create, webhook or poll. */
  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}

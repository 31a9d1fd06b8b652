import type { ColumnType, Generated, GeneratedAlways, Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/**
 * Kysely's view of the command and attribute tables (migrations/0018_device_commands.sql). They
 * live with the devices module and are joined onto the platform's DB type with `withTables`.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export const commandStatuses = [
  'pending',
  'queued',
  'delivered',
  'succeeded',
  'failed',
  'timed_out',
] as const;
export type CommandStatus = (typeof commandStatuses)[number];
/** Statuses a command can still leave: the device may yet receive or answer it. */
export const openStatuses: readonly CommandStatus[] = ['pending', 'queued', 'delivered'];

export interface DeviceCommandsTable {
  id: Generated<string>;
  request_id: GeneratedAlways<number>;
  device_id: string;
  protocol: 'thingsboard' | 'fiware';
  method: string;
  params: Json<unknown>;
  oneway: boolean;
  status: CommandStatus;
  response: Json<unknown> | null;
  error: string | null;
  timeout_ms: number;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Timestamp;
  delivered_at: Date | null;
  completed_at: Date | null;
  expires_at: Date;
}

export interface DeviceAttributesTable {
  device_id: string;
  scope: 'client' | 'shared';
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

// A type alias, not an interface: withTables needs the index signature an alias has.
type CommandTables = {
  device_commands: DeviceCommandsTable;
  device_attributes: DeviceAttributesTable;
};
export type CommandDB = DB & CommandTables;
export type DeviceCommandRow = Selectable<DeviceCommandsTable>;

export const withCommandTables = (db: Kysely<DB>): Kysely<CommandDB> => db.withTables<CommandTables>();

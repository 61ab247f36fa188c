/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list works from
 * TypeScript sources under vitest and from compiled JavaScript under `npm start`.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000_bank_customer } from './Migration20261121000000_bank_customer.js';
import { Migration20261121010000_onboarding } from './Migration20261121010000_onboarding.js';
import { Migration20261121020000_webhook_inbox } from './Migration20261121020000_webhook_inbox.js';
import { Migration20261121030000_quotes_recipients } from './Migration20261121030000_quotes_recipients.js';
import { Migration20261121040000_transfers } from './Migration20261121040000_transfers.js';
import { Migration20261121050000_link_required } from './Migration20261121050000_link_required.js';
import { Migration20261202000000_money_once } from './Migration20261202000000_money_once.js';
import { Migration20261202112100_live_state_event_log } from './Migration20261202112100_live_state_event_log.js';
import { Migration20261202112400_safe_deploy_rate_limits } from './Migration20261202112400_safe_deploy_rate_limits.js';
import { Migration20261202114500_safe_deploy_rollout } from './Migration20261202114500_safe_deploy_rollout.js';
import { Migration20261202140000_event_log_retention } from './Migration20261202140000_event_log_retention.js';
import { Migration20261203060000_read_versions } from './Migration20261203060000_read_versions.js';
import { Migration20261202180000_ops_request_id_retention } from './Migration20261202180000_ops_request_id_retention.js';
import { Migration20261203120000_sweep_indexes } from './Migration20261203120000_sweep_indexes.js';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261121000000_bank_customer', class: Migration20261121000000_bank_customer },
  { name: 'Migration20261121010000_onboarding', class: Migration20261121010000_onboarding },
  { name: 'Migration20261121020000_webhook_inbox', class: Migration20261121020000_webhook_inbox },
  { name: 'Migration20261121030000_quotes_recipients', class: Migration20261121030000_quotes_recipients },
  { name: 'Migration20261121040000_transfers', class: Migration20261121040000_transfers },
  { name: 'Migration20261121050000_link_required', class: Migration20261121050000_link_required },
  { name: 'Migration20261202000000_money_once', class: Migration20261202000000_money_once },
  { name: 'Migration20261202112100_live_state_event_log', class: Migration20261202112100_live_state_event_log },
  { name: 'Migration20261202112400_safe_deploy_rate_limits', class: Migration20261202112400_safe_deploy_rate_limits },
  { name: 'Migration20261202114500_safe_deploy_rollout', class: Migration20261202114500_safe_deploy_rollout },
  { name: 'Migration20261202140000_event_log_retention', class: Migration20261202140000_event_log_retention },
  { name: 'Migration20261202180000_ops_request_id_retention', class: Migration20261202180000_ops_request_id_retention },
  { name: 'Migration20261203060000_read_versions', class: Migration20261203060000_read_versions },
  { name: 'Migration20261203120000_sweep_indexes', class: Migration20261203120000_sweep_indexes },
];

import { Migration } from '@mikro-orm/migrations';

/**
 * Rollout controls (Wise's going-live checklist: launch to a few customers and currencies
 * first). One row says who is offered Wise (a pilot group or everyone) and which currency
 * routes (the listed ones or all); the pilot customers and the routes are lists beside it.
 * Everyone and all routes by default, so a gateway upgraded in place changes nothing until the
 * bank narrows it (`npm run rollout`).
 */
export class Migration20261202114500_safe_deploy_rollout extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table rollout (
        singleton boolean primary key default true check (singleton),
        customers text not null default 'EVERYONE' check (customers in ('PILOT', 'EVERYONE')),
        routes text not null default 'ALL' check (routes in ('LISTED', 'ALL')),
        updated_at timestamptz not null default now()
      )`);
    this.addSql(`insert into rollout default values`);
    this.addSql(`
      create table rollout_pilot_customer (
        customer_id text primary key,
        added_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table rollout_route (
        source_currency char(3) not null check (source_currency ~ '^[A-Z]{3}$'),
        target_currency char(3) not null check (target_currency ~ '^[A-Z]{3}$'),
        added_at timestamptz not null default now(),
        primary key (source_currency, target_currency)
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table rollout_route');
    this.addSql('drop table rollout_pilot_customer');
    this.addSql('drop table rollout');
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261121000000_bank_customer extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table bank_customer (
        id text primary key,
        email text not null,
        given_name text not null,
        family_name text not null,
        date_of_birth text not null check (date_of_birth ~ '^\\d{4}-\\d{2}-\\d{2}$'),
        address jsonb not null,
        phone text not null,
        created_at timestamptz not null default now()
      )`);
    this.addSql('create index bank_customer_email_idx on bank_customer (lower(email))');
  }

  override async down(): Promise<void> {
    this.addSql('drop table bank_customer');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Partner KYC: when Wise already knows the customer's email (409), the gateway remembers it as
 * a LINK_REQUIRED link — no credentials, only the email tried — so onboardingStatus can tell
 * the frontend to link instead of sending it round createWiseAccount again.
 */
export class Migration20261121050000_link_required extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table wise_link drop constraint wise_link_status_check');
    this.addSql(`
      alter table wise_link add constraint wise_link_status_check
        check (status in ('CREATING', 'LINK_REQUIRED', 'AWAITING_AUTHORIZATION', 'LINKED', 'RELINK_REQUIRED', 'IDENTITY_MISMATCH', 'UNLINKED'))`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from wise_link where status = 'LINK_REQUIRED'`);
    this.addSql('alter table wise_link drop constraint wise_link_status_check');
    this.addSql(`
      alter table wise_link add constraint wise_link_status_check
        check (status in ('CREATING', 'AWAITING_AUTHORIZATION', 'LINKED', 'RELINK_REQUIRED', 'IDENTITY_MISMATCH', 'UNLINKED'))`);
  }
}

"""PostgreSQL guards on the organizer ledger, whatever writes to it:

* append-only: UPDATE and DELETE of a ledger row are refused;
* a payout row is refused if it would take more than the organizer's available balance.
  The trigger first takes a per-organizer advisory lock (held to the end of the transaction),
  then sums with a fresh snapshot, so two payouts inserted at once cannot both pass.

"Available" here is the rule of payments.payouts.available_kobo: rows of an event once it
ended payout_delay_hours ago, rows without an event at once, everything for a release_early
organizer. SQLite (the embedded default)
relies on the service's row lock alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payments_ledger_guard() RETURNS trigger AS $$
DECLARE
    early boolean;
    delay integer;
    available bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'the organizer ledger is append-only (% refused)', TG_OP
            USING ERRCODE = '23514';
    END IF;
    IF NEW.kind = 'payout' THEN
        PERFORM pg_advisory_xact_lock(727001, NEW.organizer_id::integer);
        SELECT COALESCE(bool_or(release_early), false), COALESCE(max(payout_delay_hours), 0)
            INTO early, delay
            FROM payments_payoutaccount WHERE organizer_id = NEW.organizer_id;
        SELECT COALESCE(SUM(l.amount_kobo), 0) INTO available
            FROM payments_ledgerentry l LEFT JOIN events_event e ON e.id = l.event_id
            WHERE l.organizer_id = NEW.organizer_id
              AND (early OR l.event_id IS NULL
                   OR e.ends_at <= now() - make_interval(hours => delay));
        IF available + NEW.amount_kobo < 0 THEN
            RAISE EXCEPTION 'payout of % kobo is more than the available % kobo',
                -NEW.amount_kobo, available USING ERRCODE = '23514';
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS payments_ledger_guard ON payments_ledgerentry;
CREATE TRIGGER payments_ledger_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS payments_ledger_guard ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_guard();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_organizer_payouts"), ("events", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

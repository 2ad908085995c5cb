-- The mailing worker asks every two seconds for the oldest pending replies whose wait is
-- over. Ordered by `next_attempt_at` first, the old index made it read and sort every
-- pending row (60 ms of a core every two seconds with a few hundred thousand queued);
-- in `created_at` order it reads the first hundred due and stops.
DROP INDEX widget_mailings_pending;
CREATE INDEX widget_mailings_due ON widget_mailings (created_at, next_attempt_at) WHERE state = 'pending';

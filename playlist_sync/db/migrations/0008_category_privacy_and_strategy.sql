-- A category's playlist has the privacy the categories file gives it (private unless said),
-- and a sync remembers the strategy it was started with (reuse: the fewest writes; recreate:
-- the seed's plan), so that a restarted worker carries on with the same plan.
ALTER TABLE categories ADD COLUMN privacy_status text NOT NULL DEFAULT 'private';
ALTER TABLE sync_jobs ADD COLUMN strategy text NOT NULL DEFAULT 'reuse';

-- The channel the library was imported from: a sync refuses to write to another one.
CREATE TABLE library_channel (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    channel_id  text NOT NULL,
    title       text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

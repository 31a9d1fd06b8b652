-- Every message to a person in the reader's language (ADR 0048).
-- A notification keeps the stable code and parameters it was written from; the web renders them
-- in the reader's language at display. The bilingual texts stay as the server's own rendering for
-- channels that need finished text. Rows written before this migration have no code and show
-- those texts.
ALTER TABLE notifications ADD COLUMN code text;
ALTER TABLE notifications ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb;

-- A title the system wrote (from the category of a patrol finding or a report without a title,
-- or from a sensor alarm) is rendered for each reader from this code; NULL: a person wrote it.
-- The codes are one union in the server (cases.types.ts); no CHECK, so adding the column does
-- not scan the table.
ALTER TABLE cases ADD COLUMN title_code text;

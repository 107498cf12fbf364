-- A model uploaded as a zip with external data: the archive as uploaded (what a download returns) and the names of the
-- data files stored next to the unpacked model file.
ALTER TABLE models ADD COLUMN archive_key text UNIQUE;
ALTER TABLE models ADD COLUMN data_files text[] NOT NULL DEFAULT '{}';

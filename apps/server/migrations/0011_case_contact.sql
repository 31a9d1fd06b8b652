-- The caller's contact on cases entered by staff (hotline 12345, walk-ins): sealed like residents'
-- personal fields (AES-256-GCM via FieldCipher, bound to the column), with a mask for staff views.
-- Plain values are only shown through the audited reveal route (docs/cases.md, "Caller contact").
ALTER TABLE cases ADD COLUMN contact_name_enc text;
ALTER TABLE cases ADD COLUMN contact_name_mask text;
ALTER TABLE cases ADD COLUMN contact_phone_enc text;
ALTER TABLE cases ADD COLUMN contact_phone_mask text;

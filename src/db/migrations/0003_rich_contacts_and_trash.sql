ALTER TABLE "contacts" ADD COLUMN "emails" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phones" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "addresses" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "websites" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "organization" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "job_title" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "photo_key" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "photo_url" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "contacts_deleted_at_idx" ON "contacts" USING btree ("deleted_at") WHERE "contacts"."deleted_at" is not null;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_lists_check" CHECK (jsonb_typeof("contacts"."emails") = 'array' and jsonb_typeof("contacts"."phones") = 'array'
        and jsonb_typeof("contacts"."addresses") = 'array' and jsonb_typeof("contacts"."websites") = 'array');--> statement-breakpoint
-- Existing contacts keep their one email and phone as the first (and only) entry of the new lists.
UPDATE "contacts" SET
  "emails" = CASE WHEN "email" IS NULL THEN '[]'::jsonb
    ELSE jsonb_build_array(jsonb_build_object('value', "email", 'label', NULL)) END,
  "phones" = CASE WHEN "phone" IS NULL THEN '[]'::jsonb
    ELSE jsonb_build_array(jsonb_build_object('value', "phone", 'input', coalesce("phone_input", "phone"), 'label', NULL)) END;

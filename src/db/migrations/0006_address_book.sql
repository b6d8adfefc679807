CREATE TABLE "address_book_changes" (
	"user_id" uuid NOT NULL,
	"card_href" text NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "address_book_changes_user_id_card_href_pk" PRIMARY KEY("user_id","card_href")
);
--> statement-breakpoint
CREATE TABLE "group_cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"card_href" text NOT NULL,
	"card_uid" text NOT NULL,
	"card" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "address_book_name" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "card_href" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "card_uid" text;--> statement-breakpoint
-- Existing contacts get the names a contact made in the API gets: its id.
UPDATE "contacts" SET "card_href" = "id"::text || '.vcf', "card_uid" = "id"::text;--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "card_href" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ALTER COLUMN "card_uid" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "card" text;--> statement-breakpoint
ALTER TABLE "address_book_changes" ADD CONSTRAINT "address_book_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_cards" ADD CONSTRAINT "group_cards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "address_book_changes_user_version_idx" ON "address_book_changes" USING btree ("user_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "group_cards_user_card_href_key" ON "group_cards" USING btree ("user_id","card_href");--> statement-breakpoint
CREATE UNIQUE INDEX "group_cards_user_card_uid_key" ON "group_cards" USING btree ("user_id","card_uid");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_user_card_href_key" ON "contacts" USING btree ("user_id","card_href");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_user_card_uid_key" ON "contacts" USING btree ("user_id","card_uid");--> statement-breakpoint
-- Every change to a user's address book, from any side (API, web app, CardDAV, import, purge, or
-- SQL run by hand), moves users.contacts_version on and logs the card names it touched with the
-- new version, in the same transaction. The version is the CardDAV sync token and ctag, and labels
-- each instance's cached copy of the user's contacts.
CREATE FUNCTION "address_book_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
  new_version bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN owner := OLD.user_id; ELSE owner := NEW.user_id; END IF;
  UPDATE users SET contacts_version = contacts_version + 1 WHERE id = owner
    RETURNING contacts_version INTO new_version;
  -- The account itself is being deleted (the rows go by cascade): nothing left to log.
  IF new_version IS NULL THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO address_book_changes (user_id, card_href, version) VALUES (owner, OLD.card_href, new_version)
      ON CONFLICT (user_id, card_href) DO UPDATE SET version = excluded.version;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.card_href IS DISTINCT FROM OLD.card_href) THEN
    INSERT INTO address_book_changes (user_id, card_href, version) VALUES (owner, NEW.card_href, new_version)
      ON CONFLICT (user_id, card_href) DO UPDATE SET version = excluded.version;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "contacts_address_book_changed" AFTER INSERT OR UPDATE OR DELETE ON "contacts"
  FOR EACH ROW EXECUTE FUNCTION "address_book_changed"();--> statement-breakpoint
CREATE TRIGGER "group_cards_address_book_changed" AFTER INSERT OR UPDATE OR DELETE ON "group_cards"
  FOR EACH ROW EXECUTE FUNCTION "address_book_changed"();

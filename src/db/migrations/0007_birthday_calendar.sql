ALTER TABLE "users" ADD COLUMN "birthday_calendar_token" text;--> statement-breakpoint
CREATE UNIQUE INDEX "users_birthday_calendar_token_key" ON "users" USING btree ("birthday_calendar_token");
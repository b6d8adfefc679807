CREATE TABLE "reminder_deliveries" (
	"user_id" uuid NOT NULL,
	"send_date" date NOT NULL,
	"days_before" integer NOT NULL,
	"birthday_date" date NOT NULL,
	"outbox_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_deliveries_user_id_send_date_days_before_pk" PRIMARY KEY("user_id","send_date","days_before")
);
--> statement-breakpoint
CREATE TABLE "reminder_settings" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"days_before" integer[] DEFAULT '{0}'::integer[] NOT NULL,
	"hour" integer DEFAULT 9 NOT NULL,
	"checked_through" timestamp with time zone NOT NULL,
	"next_due_at" timestamp with time zone,
	"scheduled_zone" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_settings_hour_check" CHECK ("reminder_settings"."hour" between 0 and 23),
	CONSTRAINT "reminder_settings_days_before_check" CHECK (cardinality("reminder_settings"."days_before") between 1 and 3 and 0 <= all("reminder_settings"."days_before") and 30 >= all("reminder_settings"."days_before"))
);
--> statement-breakpoint
ALTER TABLE "reminder_deliveries" ADD CONSTRAINT "reminder_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_settings" ADD CONSTRAINT "reminder_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reminder_deliveries_created_at_idx" ON "reminder_deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "reminder_settings_next_due_idx" ON "reminder_settings" USING btree ("next_due_at") WHERE "reminder_settings"."enabled";
using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Automations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "automation_cursors",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    events_scanned_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    birthdays_scheduled_for = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_automation_cursors", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_automation_cursors_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "automations",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    follow_up_text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    delay_minutes = table.Column<int>(type: "integer", nullable: false),
                    category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    promo_code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_automations", x => new { x.tenant_id, x.kind });
                    table.ForeignKey(
                        name: "fk_automations_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    segment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    category = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    segments_per_message = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    send_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    throttle_per_minute = table.Column<int>(type: "integer", nullable: true),
                    variant_b = table.Column<string>(type: "text", nullable: true),
                    test_percent = table.Column<int>(type: "integer", nullable: true),
                    decide_after_minutes = table.Column<int>(type: "integer", nullable: true),
                    decide_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    winner = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigns", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_campaigns_status", "status IN ('draft','scheduled','sending','paused','completed','cancelled')");
                    table.ForeignKey(
                        name: "fk_campaigns_segments_tenant_id_segment_id",
                        columns: x => new { x.tenant_id, x.segment_id },
                        principalTable: "segments",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_campaigns_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "message_templates",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    category = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_templates", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_message_templates_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sending_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    window_from = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    window_to = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    window_days = table.Column<List<string>>(type: "text[]", nullable: false),
                    cap_per_day = table.Column<int>(type: "integer", nullable: false),
                    cap_informational_per_week = table.Column<int>(type: "integer", nullable: false),
                    cap_promotional_per_month = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sending_settings", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_sending_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "short_links",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    owner_tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    variant = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    clicks = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_clicked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_short_links", x => x.code);
                    table.ForeignKey(
                        name: "fk_short_links_tenants_owner_tenant_id",
                        column: x => x.owner_tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "automation_runs",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    step = table.Column<int>(type: "integer", nullable: false),
                    dedupe_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_automation_runs", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_automation_runs_status", "status IN ('pending','sent','skipped','cancelled','handed_off')");
                    table.ForeignKey(
                        name: "fk_automation_runs_automations_tenant_id_kind",
                        columns: x => new { x.tenant_id, x.kind },
                        principalTable: "automations",
                        principalColumns: new[] { "tenant_id", "kind" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_automation_runs_contact_events_tenant_id_event_id",
                        columns: x => new { x.tenant_id, x.event_id },
                        principalTable: "contact_events",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_automation_runs_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_automation_runs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "campaign_batches",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    batch = table.Column<int>(type: "integer", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    done_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_batches", x => new { x.tenant_id, x.campaign_id, x.batch });
                    table.ForeignKey(
                        name: "fk_campaign_batches_campaigns_tenant_id_campaign_id",
                        columns: x => new { x.tenant_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    deferred_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    variant = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true),
                    batch = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_recipients", x => new { x.tenant_id, x.campaign_id, x.contact_id });
                    table.CheckConstraint("ck_campaign_recipients_outcome", "outcome IN ('pending','held','sent','skipped','deferred','cancelled')");
                    table.ForeignKey(
                        name: "fk_campaign_recipients_campaigns_tenant_id_campaign_id",
                        columns: x => new { x.tenant_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_campaign_recipients_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_events_tenant_id_received_at",
                table: "contact_events",
                columns: new[] { "tenant_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_contact_id_created_at",
                table: "automation_runs",
                columns: new[] { "tenant_id", "contact_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_dedupe_key",
                table: "automation_runs",
                columns: new[] { "tenant_id", "dedupe_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_due_at",
                table: "automation_runs",
                columns: new[] { "tenant_id", "due_at" },
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_event_id",
                table: "automation_runs",
                columns: new[] { "tenant_id", "event_id" });

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_kind_created_at",
                table: "automation_runs",
                columns: new[] { "tenant_id", "kind", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_batches_tenant_id_due_at",
                table: "campaign_batches",
                columns: new[] { "tenant_id", "due_at" },
                filter: "done_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_campaign_id_batch",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "campaign_id", "batch" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_campaign_id_outcome_reason",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "campaign_id", "outcome", "reason" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_contact_id",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_deferred_until",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "deferred_until" },
                filter: "outcome = 'deferred'");

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_created_at",
                table: "campaigns",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_segment_id",
                table: "campaigns",
                columns: new[] { "tenant_id", "segment_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_status",
                table: "campaigns",
                columns: new[] { "tenant_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_message_templates_tenant_id_name",
                table: "message_templates",
                columns: new[] { "tenant_id", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_short_links_owner_tenant_id_campaign_id_contact_id_url",
                table: "short_links",
                columns: new[] { "owner_tenant_id", "campaign_id", "contact_id", "url" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "automation_cursors");

            migrationBuilder.DropTable(
                name: "automation_runs");

            migrationBuilder.DropTable(
                name: "campaign_batches");

            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "message_templates");

            migrationBuilder.DropTable(
                name: "sending_settings");

            migrationBuilder.DropTable(
                name: "short_links");

            migrationBuilder.DropTable(
                name: "automations");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropIndex(
                name: "ix_contact_events_tenant_id_received_at",
                table: "contact_events");
        }
    }
}

using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Campaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "ix_short_links_owner_tenant_id_campaign_id_contact_id_url",
                table: "short_links",
                columns: new[] { "owner_tenant_id", "campaign_id", "contact_id", "url" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaign_batches");

            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "sending_settings");

            migrationBuilder.DropTable(
                name: "short_links");

            migrationBuilder.DropTable(
                name: "campaigns");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Analytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "complaint_at",
                table: "sms_inbound",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "analytics_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attribution_days = table.Column<int>(type: "integer", nullable: false),
                    min_delivery_rate = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: false),
                    max_opt_out_rate = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: false),
                    min_roi = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: false),
                    max_complaint_rate = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: false),
                    min_click_rate = table.Column<decimal>(type: "numeric(9,4)", precision: 9, scale: 4, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_settings", x => x.tenant_id);
                    table.CheckConstraint("ck_analytics_settings_attribution_days", "attribution_days BETWEEN 1 AND 90");
                    table.ForeignKey(
                        name: "fk_analytics_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_numbers",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_numbers", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_tracking_numbers_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages",
                columns: new[] { "tenant_id", "contact_id", "sent_at" },
                filter: "kind IN ('campaign','automation') AND category <> 'transactional'");

            migrationBuilder.CreateIndex(
                name: "ix_automation_runs_tenant_id_message_id",
                table: "automation_runs",
                columns: new[] { "tenant_id", "message_id" },
                filter: "message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_numbers_tenant_id_number",
                table: "tracking_numbers",
                columns: new[] { "tenant_id", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analytics_settings");

            migrationBuilder.DropTable(
                name: "tracking_numbers");

            migrationBuilder.DropIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages");

            migrationBuilder.DropIndex(
                name: "ix_automation_runs_tenant_id_message_id",
                table: "automation_runs");

            migrationBuilder.DropColumn(
                name: "complaint_at",
                table: "sms_inbound");
        }
    }
}

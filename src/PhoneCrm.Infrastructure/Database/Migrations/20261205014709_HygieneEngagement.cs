using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class HygieneEngagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "hygiene_responsible",
                table: "tenants",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_clicked_at",
                table: "short_links",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "needs_reverification",
                table: "contacts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "status_changed_at",
                table: "contacts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status_reason",
                table: "contacts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "unanswered_calls",
                table: "contacts",
                type: "integer",
                nullable: false,
                defaultValueSql: "0");

            // Until now unanswered_messages counted unanswered calls: they keep their count under their own name, and
            // unanswered marketing messages are counted by the next hygiene-engagement run.
            migrationBuilder.Sql("UPDATE contacts SET unanswered_calls = unanswered_messages, unanswered_messages = 0 WHERE unanswered_messages <> 0;");

            migrationBuilder.CreateTable(
                name: "base_health_snapshots",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false),
                    valid = table.Column<int>(type: "integer", nullable: false),
                    unreachable = table.Column<int>(type: "integer", nullable: false),
                    unengaged = table.Column<int>(type: "integer", nullable: false),
                    unconsented = table.Column<int>(type: "integer", nullable: false),
                    taken_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_base_health_snapshots", x => new { x.tenant_id, x.month });
                    table.ForeignKey(
                        name: "fk_base_health_snapshots_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_failures",
                table: "sms_messages",
                columns: new[] { "tenant_id", "status_at" },
                filter: "status IN ('undelivered','expired','rejected')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_contacts_status_reason",
                table: "contacts",
                sql: "status_reason IS NULL OR status_reason IN ('failedDeliveries','invalidNumber','disconnected','manual')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "base_health_snapshots");

            migrationBuilder.DropIndex(
                name: "ix_sms_messages_failures",
                table: "sms_messages");

            migrationBuilder.DropCheckConstraint(
                name: "ck_contacts_status_reason",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "hygiene_responsible",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "last_clicked_at",
                table: "short_links");

            migrationBuilder.DropColumn(
                name: "needs_reverification",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "status_changed_at",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "status_reason",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "unanswered_calls",
                table: "contacts");
        }
    }
}

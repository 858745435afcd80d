using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SmsPolish : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "dedup_key",
                table: "sms_inbound",
                type: "bytea",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sms_number_changes",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    old_phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    new_phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    new_phone_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    code_attempts = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    number_received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    code_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_number_changes", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_sms_number_changes_status", "status IN ('awaiting_number','awaiting_code','completed','needs_review','expired','failed')");
                    table.ForeignKey(
                        name: "fk_sms_number_changes_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sms_number_changes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sms_inbound_tenant_id_dedup_key",
                table: "sms_inbound",
                columns: new[] { "tenant_id", "dedup_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sms_number_changes_tenant_id_created_at",
                table: "sms_number_changes",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_number_changes_tenant_id_new_phone_index",
                table: "sms_number_changes",
                columns: new[] { "tenant_id", "new_phone_index" },
                filter: "status = 'awaiting_code'");

            migrationBuilder.CreateIndex(
                name: "ux_sms_number_changes_open",
                table: "sms_number_changes",
                columns: new[] { "tenant_id", "contact_id" },
                unique: true,
                filter: "status IN ('awaiting_number','awaiting_code')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sms_number_changes");

            migrationBuilder.DropIndex(
                name: "ix_sms_inbound_tenant_id_dedup_key",
                table: "sms_inbound");

            migrationBuilder.DropColumn(
                name: "dedup_key",
                table: "sms_inbound");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class MessageConsentRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_consent_records_tenant_id_id",
                table: "consent_records");

            migrationBuilder.AddColumn<Guid>(
                name: "consent_record_id",
                table: "sms_messages",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddUniqueConstraint(
                name: "ak_consent_records_tenant_id_id",
                table: "consent_records",
                columns: new[] { "tenant_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_tenant_id_consent_record_id",
                table: "sms_messages",
                columns: new[] { "tenant_id", "consent_record_id" });

            migrationBuilder.AddForeignKey(
                name: "fk_sms_messages_consent_records_tenant_id_consent_record_id",
                table: "sms_messages",
                columns: new[] { "tenant_id", "consent_record_id" },
                principalTable: "consent_records",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_sms_messages_consent_records_tenant_id_consent_record_id",
                table: "sms_messages");

            migrationBuilder.DropIndex(
                name: "ix_sms_messages_tenant_id_consent_record_id",
                table: "sms_messages");

            migrationBuilder.DropUniqueConstraint(
                name: "ak_consent_records_tenant_id_id",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "consent_record_id",
                table: "sms_messages");

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_id",
                table: "consent_records",
                columns: new[] { "tenant_id", "id" },
                unique: true);
        }
    }
}

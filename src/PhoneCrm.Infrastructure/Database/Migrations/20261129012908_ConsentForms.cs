using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ConsentForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "capture_forms",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ask_name = table.Column<bool>(type: "boolean", nullable: false),
                    purpose_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    text_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    thank_you_text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    redirect_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    privacy_policy_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_capture_forms", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_capture_forms_consent_text_versions_tenant_id_text_version_",
                        columns: x => new { x.tenant_id, x.text_version_id },
                        principalTable: "consent_text_versions",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_capture_forms_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "consent_code_challenges",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    form_id = table.Column<Guid>(type: "uuid", nullable: false),
                    form_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    purpose_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    text_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    source_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    consumed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sms_message_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_code_challenges", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_consent_code_challenges_capture_forms_tenant_id_form_id",
                        columns: x => new { x.tenant_id, x.form_id },
                        principalTable: "capture_forms",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_consent_code_challenges_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_captured_at",
                table: "consent_records",
                columns: new[] { "tenant_id", "captured_at" });

            migrationBuilder.CreateIndex(
                name: "ix_capture_forms_tenant_id_key",
                table: "capture_forms",
                columns: new[] { "tenant_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_capture_forms_tenant_id_text_version_id",
                table: "capture_forms",
                columns: new[] { "tenant_id", "text_version_id" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_code_challenges_tenant_id_expires_at",
                table: "consent_code_challenges",
                columns: new[] { "tenant_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_code_challenges_tenant_id_form_id",
                table: "consent_code_challenges",
                columns: new[] { "tenant_id", "form_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_code_challenges");

            migrationBuilder.DropTable(
                name: "capture_forms");

            migrationBuilder.DropIndex(
                name: "ix_consent_records_tenant_id_captured_at",
                table: "consent_records");
        }
    }
}

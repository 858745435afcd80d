using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Consent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "consent_chain_heads",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_chain_heads", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_consent_chain_heads_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "consent_purposes",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    validity_days = table.Column<int>(type: "integer", nullable: true),
                    allowed_bases = table.Column<List<string>>(type: "text[]", nullable: false),
                    built_in = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_purposes", x => new { x.tenant_id, x.code });
                    table.ForeignKey(
                        name: "fk_consent_purposes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "consent_states",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    legal_basis = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    last_record_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_states", x => new { x.tenant_id, x.contact_id, x.purpose, x.channel });
                    table.CheckConstraint("ck_consent_states_status", "status IN ('active','withdrawn')");
                    table.ForeignKey(
                        name: "fk_consent_states_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "consent_text_versions",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    operator_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    operator_address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    purposes = table.Column<string>(type: "text", nullable: false),
                    data_list = table.Column<string>(type: "text", nullable: false),
                    actions_and_methods = table.Column<string>(type: "text", nullable: false),
                    term = table.Column<string>(type: "text", nullable: false),
                    withdrawal = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_text_versions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_consent_text_versions_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "consent_records",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    legal_basis = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    captured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    source_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    text_version_id = table.Column<Guid>(type: "uuid", nullable: true),
                    text_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    form_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recording_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    paper_reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    prev_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_records", x => new { x.tenant_id, x.seq });
                    table.CheckConstraint("ck_consent_records_action", "action IN ('grant','withdraw')");
                    table.CheckConstraint("ck_consent_records_seq", "seq > 0");
                    table.ForeignKey(
                        name: "fk_consent_records_consent_purposes_tenant_id_purpose",
                        columns: x => new { x.tenant_id, x.purpose },
                        principalTable: "consent_purposes",
                        principalColumns: new[] { "tenant_id", "code" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_consent_records_consent_text_versions_tenant_id_text_versio",
                        columns: x => new { x.tenant_id, x.text_version_id },
                        principalTable: "consent_text_versions",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_consent_records_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_contact_id_seq",
                table: "consent_records",
                columns: new[] { "tenant_id", "contact_id", "seq" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_id",
                table: "consent_records",
                columns: new[] { "tenant_id", "id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_purpose",
                table: "consent_records",
                columns: new[] { "tenant_id", "purpose" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_tenant_id_text_version_id",
                table: "consent_records",
                columns: new[] { "tenant_id", "text_version_id" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_states_tenant_id_purpose_channel_status_expires_at",
                table: "consent_states",
                columns: new[] { "tenant_id", "purpose", "channel", "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_text_versions_tenant_id_created_at",
                table: "consent_text_versions",
                columns: new[] { "tenant_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_chain_heads");

            migrationBuilder.DropTable(
                name: "consent_records");

            migrationBuilder.DropTable(
                name: "consent_states");

            migrationBuilder.DropTable(
                name: "consent_purposes");

            migrationBuilder.DropTable(
                name: "consent_text_versions");
        }
    }
}

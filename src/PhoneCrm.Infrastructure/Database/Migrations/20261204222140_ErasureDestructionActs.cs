using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ErasureDestructionActs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "legal_address",
                table: "tenants",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "legal_name",
                table: "tenants",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "evidence_digest",
                table: "consent_records",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "evidence_erased_at",
                table: "consent_records",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "evidence_salt",
                table: "consent_records",
                type: "bytea",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "destruction_acts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    seq = table.Column<int>(type: "integer", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    operator_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    operator_address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    subject_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    information_system = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    method = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    destroyed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    destroyed_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    log_extract = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_destruction_acts", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_destruction_acts_reason", "reason IN ('subject_request','retention')");
                    table.ForeignKey(
                        name: "fk_destruction_acts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "erasure_tombstones",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_tombstones", x => new { x.tenant_id, x.phone_hash });
                    table.ForeignKey(
                        name: "fk_erasure_tombstones_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_destruction_acts_tenant_id_contact_id",
                table: "destruction_acts",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_destruction_acts_tenant_id_destroyed_at",
                table: "destruction_acts",
                columns: new[] { "tenant_id", "destroyed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_destruction_acts_tenant_id_year_seq",
                table: "destruction_acts",
                columns: new[] { "tenant_id", "year", "seq" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "destruction_acts");

            migrationBuilder.DropTable(
                name: "erasure_tombstones");

            migrationBuilder.DropColumn(
                name: "legal_address",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "legal_name",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "evidence_digest",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "evidence_erased_at",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "evidence_salt",
                table: "consent_records");
        }
    }
}

using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class PublicFormAbuseLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "code_regions",
                table: "tenants",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{RU}'::text[]");

            migrationBuilder.AddColumn<int>(
                name: "daily_code_budget",
                table: "tenants",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "link_domains",
                table: "tenants",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<byte[]>(
                name: "phone_index",
                table: "consent_code_challenges",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.CreateIndex(
                name: "ix_consent_code_challenges_tenant_id_created_at",
                table: "consent_code_challenges",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_code_challenges_tenant_id_phone_index_created_at",
                table: "consent_code_challenges",
                columns: new[] { "tenant_id", "phone_index", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_consent_code_challenges_tenant_id_created_at",
                table: "consent_code_challenges");

            migrationBuilder.DropIndex(
                name: "ix_consent_code_challenges_tenant_id_phone_index_created_at",
                table: "consent_code_challenges");

            migrationBuilder.DropColumn(
                name: "code_regions",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "daily_code_budget",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "link_domains",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "phone_index",
                table: "consent_code_challenges");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class TenantBoundBlindIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "blind_index_bound_at",
                table: "tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "blind_index_version",
                table: "tenants",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            // Existing tenants hold version-1 (platform-wide) indexes until BlindIndexMigration switches them; a tenant
            // created from now on starts tenant-bound.
            migrationBuilder.Sql("ALTER TABLE tenants ALTER COLUMN blind_index_version SET DEFAULT 2;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "blind_index_bound_at",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "blind_index_version",
                table: "tenants");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ShortLinksForAutomationsAndPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "campaign_id",
                table: "short_links",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "automation_run_id",
                table: "short_links",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_short_links_owner_tenant_id_automation_run_id_url",
                table: "short_links",
                columns: new[] { "owner_tenant_id", "automation_run_id", "url" },
                unique: true,
                filter: "automation_run_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_short_links_owner_tenant_id_automation_run_id_url",
                table: "short_links");

            migrationBuilder.DropColumn(
                name: "automation_run_id",
                table: "short_links");

            migrationBuilder.AlterColumn<Guid>(
                name: "campaign_id",
                table: "short_links",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}

using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class WorkingCalendar : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "calendar_years",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    holidays = table.Column<List<DateOnly>>(type: "date[]", nullable: false),
                    working_weekends = table.Column<List<DateOnly>>(type: "date[]", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calendar_years", x => new { x.tenant_id, x.year });
                    table.CheckConstraint("ck_calendar_years_year", "year BETWEEN 2000 AND 2100");
                    table.ForeignKey(
                        name: "fk_calendar_years_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "calendar_years");
        }
    }
}

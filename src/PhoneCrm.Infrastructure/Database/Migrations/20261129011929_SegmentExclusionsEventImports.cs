using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SegmentExclusionsEventImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "exclude_segment_ids",
                table: "segments",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'"); // existing segments exclude nothing

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "imports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "contacts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "exclude_segment_ids",
                table: "segments");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "imports");
        }
    }
}

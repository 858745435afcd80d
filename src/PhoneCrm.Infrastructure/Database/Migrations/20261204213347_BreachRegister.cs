using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class BreachRegister : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "breach_incidents",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    detected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    subjects_affected = table.Column<int>(type: "integer", nullable: false),
                    presumed_cause = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    harm = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    measures = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    contact_person = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    investigation_results = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    culprits = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    initial_notice_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    results_notice_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_breach_incidents", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_breach_incidents_subjects", "subjects_affected >= 0");
                    table.ForeignKey(
                        name: "fk_breach_incidents_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_breach_incidents_open",
                table: "breach_incidents",
                columns: new[] { "tenant_id", "detected_at" },
                filter: "initial_notice_sent_at IS NULL OR results_notice_sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_breach_incidents_tenant_id_number",
                table: "breach_incidents",
                columns: new[] { "tenant_id", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "breach_incidents");
        }
    }
}

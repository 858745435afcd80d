using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsClosedFigures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "analytics_closed_figures",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attribution_days = table.Column<int>(type: "integer", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent = table.Column<long>(type: "bigint", nullable: false),
                    delivered = table.Column<long>(type: "bigint", nullable: false),
                    read = table.Column<long>(type: "bigint", nullable: false),
                    failed = table.Column<long>(type: "bigint", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false),
                    clicks = table.Column<long>(type: "bigint", nullable: false),
                    conversions = table.Column<long>(type: "bigint", nullable: false),
                    revenue = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    opt_outs = table.Column<long>(type: "bigint", nullable: false),
                    complaints = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analytics_closed_figures", x => new { x.tenant_id, x.campaign_id, x.key });
                    table.ForeignKey(
                        name: "fk_analytics_closed_figures_campaigns_tenant_id_campaign_id",
                        columns: x => new { x.tenant_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_events_tenant_id_occurred_at",
                table: "contact_events",
                columns: new[] { "tenant_id", "occurred_at" },
                filter: "type = 'order_placed'")
                .Annotation("Npgsql:IndexInclude", new[] { "contact_id", "amount", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_states_tenant_id_withdrawn_at",
                table: "consent_states",
                columns: new[] { "tenant_id", "withdrawn_at" },
                filter: "status = 'withdrawn' AND purpose = 'marketing' AND channel = 'sms'")
                .Annotation("Npgsql:IndexInclude", new[] { "contact_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "analytics_closed_figures");

            migrationBuilder.DropIndex(
                name: "ix_contact_events_tenant_id_occurred_at",
                table: "contact_events");

            migrationBuilder.DropIndex(
                name: "ix_consent_states_tenant_id_withdrawn_at",
                table: "consent_states");
        }
    }
}

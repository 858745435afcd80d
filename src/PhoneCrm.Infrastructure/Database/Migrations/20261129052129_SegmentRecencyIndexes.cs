using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SegmentRecencyIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contact_stats_tenant_id_last_engaged_at",
                table: "contact_stats");

            migrationBuilder.DropIndex(
                name: "ix_contact_stats_tenant_id_last_purchase_at",
                table: "contact_stats");

            migrationBuilder.CreateIndex(
                name: "ix_contact_stats_tenant_id_last_engaged_at",
                table: "contact_stats",
                columns: new[] { "tenant_id", "last_engaged_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_stats_tenant_id_last_purchase_at",
                table: "contact_stats",
                columns: new[] { "tenant_id", "last_purchase_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "contact_id" });

            // "Birthday within N days" compares month-day numbers (RuleSql.Birthday, the same expression); the model cannot state an
            // expression index, so it lives here. Index-only for the counts: id, status and the date itself ride along (the planner wants the column to read the expression).
            migrationBuilder.Sql("""
                CREATE INDEX ix_contacts_tenant_id_birthday ON contacts
                  (tenant_id, ((EXTRACT(MONTH FROM birth_date) * 100 + EXTRACT(DAY FROM birth_date)))) INCLUDE (id, status, birth_date)
                  WHERE status <> 'erased' AND birth_date IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_contacts_tenant_id_birthday");

            migrationBuilder.DropIndex(
                name: "ix_contact_stats_tenant_id_last_engaged_at",
                table: "contact_stats");

            migrationBuilder.DropIndex(
                name: "ix_contact_stats_tenant_id_last_purchase_at",
                table: "contact_stats");

            migrationBuilder.CreateIndex(
                name: "ix_contact_stats_tenant_id_last_engaged_at",
                table: "contact_stats",
                columns: new[] { "tenant_id", "last_engaged_at" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_stats_tenant_id_last_purchase_at",
                table: "contact_stats",
                columns: new[] { "tenant_id", "last_purchase_at" });
        }
    }
}

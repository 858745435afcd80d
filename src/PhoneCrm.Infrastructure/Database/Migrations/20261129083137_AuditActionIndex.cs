using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class AuditActionIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_log_tenant_id_action",
                table: "audit_log",
                columns: new[] { "tenant_id", "action" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_log_tenant_id_action",
                table: "audit_log");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class MarketingTouchWithId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages");

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages",
                columns: new[] { "tenant_id", "contact_id", "sent_at" },
                filter: "kind IN ('campaign','automation') AND category <> 'transactional'")
                .Annotation("Npgsql:IndexInclude", new[] { "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages");

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_tenant_id_contact_id_sent_at",
                table: "sms_messages",
                columns: new[] { "tenant_id", "contact_id", "sent_at" },
                filter: "kind IN ('campaign','automation') AND category <> 'transactional'");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SegmentCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_tenant_id_city",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contact_categories_tenant_id_category_last_purchased_at",
                table: "contact_categories");

            migrationBuilder.DropIndex(
                name: "ix_consent_states_tenant_id_purpose_channel_status_expires_at",
                table: "consent_states");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_city_id",
                table: "contacts",
                columns: new[] { "tenant_id", "city", "id" },
                filter: "status <> 'erased'")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "gender", "birth_date", "source_channel", "phone_type", "created_at", "tags" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_categories_tenant_id_category_last_purchased_at",
                table: "contact_categories",
                columns: new[] { "tenant_id", "category", "last_purchased_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_states_tenant_id_purpose_channel_contact_id",
                table: "consent_states",
                columns: new[] { "tenant_id", "purpose", "channel", "contact_id" },
                filter: "status = 'active'")
                .Annotation("Npgsql:IndexInclude", new[] { "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_tenant_id_city_id",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contact_categories_tenant_id_category_last_purchased_at",
                table: "contact_categories");

            migrationBuilder.DropIndex(
                name: "ix_consent_states_tenant_id_purpose_channel_contact_id",
                table: "consent_states");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_city",
                table: "contacts",
                columns: new[] { "tenant_id", "city" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_categories_tenant_id_category_last_purchased_at",
                table: "contact_categories",
                columns: new[] { "tenant_id", "category", "last_purchased_at" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_states_tenant_id_purpose_channel_status_expires_at",
                table: "consent_states",
                columns: new[] { "tenant_id", "purpose", "channel", "status", "expires_at" });
        }
    }
}

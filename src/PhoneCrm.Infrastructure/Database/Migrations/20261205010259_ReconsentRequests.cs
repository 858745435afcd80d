using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ReconsentRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "reconsent_requests",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consent_record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    link_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    excluded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reconsent_requests", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_reconsent_requests_consent_records_tenant_id_consent_record",
                        columns: x => new { x.tenant_id, x.consent_record_id },
                        principalTable: "consent_records",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_reconsent_requests_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_reconsent_requests_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reconsent_requests_open",
                table: "reconsent_requests",
                columns: new[] { "tenant_id", "id" },
                filter: "confirmed_at IS NULL AND excluded_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_reconsent_requests_tenant_id_consent_record_id",
                table: "reconsent_requests",
                columns: new[] { "tenant_id", "consent_record_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reconsent_requests_tenant_id_contact_id",
                table: "reconsent_requests",
                columns: new[] { "tenant_id", "contact_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reconsent_requests");
        }
    }
}

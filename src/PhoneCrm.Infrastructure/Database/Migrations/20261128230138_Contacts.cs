using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Contacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    carrier = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    phone_region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    extension = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    first_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    last_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    email_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    email_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    name_token_indexes = table.Column<List<byte[]>>(type: "bytea[]", nullable: false),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    gender = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    source_channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    source_detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    attributes = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contacts", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_contacts_gender", "gender IN ('male','female','unknown')");
                    table.CheckConstraint("ck_contacts_status", "status IN ('active','unreachable','erased')");
                    table.ForeignKey(
                        name: "fk_contacts_asp_net_users_owner_id",
                        column: x => x.owner_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_contacts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "contact_notes",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    text_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    author_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_notes", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_contact_notes_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_notes_tenant_id_contact_id_created_at",
                table: "contact_notes",
                columns: new[] { "tenant_id", "contact_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_name_token_indexes",
                table: "contacts",
                column: "name_token_indexes")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_owner_id",
                table: "contacts",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tags",
                table: "contacts",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_city",
                table: "contacts",
                columns: new[] { "tenant_id", "city" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_created_at_id",
                table: "contacts",
                columns: new[] { "tenant_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_email_index",
                table: "contacts",
                columns: new[] { "tenant_id", "email_index" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_owner_id",
                table: "contacts",
                columns: new[] { "tenant_id", "owner_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_phone_index",
                table: "contacts",
                columns: new[] { "tenant_id", "phone_index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_source_channel",
                table: "contacts",
                columns: new[] { "tenant_id", "source_channel" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_status",
                table: "contacts",
                columns: new[] { "tenant_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_updated_at_id",
                table: "contacts",
                columns: new[] { "tenant_id", "updated_at", "id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_notes");

            migrationBuilder.DropTable(
                name: "contacts");
        }
    }
}

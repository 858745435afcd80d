using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SmsProviders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sms_inbound",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    from_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    to = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    text_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    handled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    handled_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_inbound", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_sms_inbound_kind", "kind IN ('stop','number_change','reply')");
                    table.ForeignKey(
                        name: "fk_sms_inbound_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sms_inbound_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sms_provider_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    login_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    secret_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    sender = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    price_per_segment = table.Column<decimal>(type: "numeric(12,4)", precision: 12, scale: 4, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_provider_settings", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_sms_provider_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sms_simulator_messages",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_message_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    text_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    sender = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    segments = table.Column<int>(type: "integer", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deliver_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sms_simulator_messages", x => new { x.tenant_id, x.provider_message_id });
                    table.CheckConstraint("ck_sms_simulator_messages_status", "status IN ('accepted','delivered','orphaned')");
                    table.ForeignKey(
                        name: "fk_sms_simulator_messages_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sms_messages_tenant_id_provider_message_id",
                table: "sms_messages",
                columns: new[] { "tenant_id", "provider_message_id" },
                filter: "provider_message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sms_inbound_tenant_id_contact_id",
                table: "sms_inbound",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_inbound_tenant_id_from_index",
                table: "sms_inbound",
                columns: new[] { "tenant_id", "from_index" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_inbound_tenant_id_kind_received_at",
                table: "sms_inbound",
                columns: new[] { "tenant_id", "kind", "received_at" },
                filter: "handled_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sms_inbound_tenant_id_received_at",
                table: "sms_inbound",
                columns: new[] { "tenant_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_simulator_messages_tenant_id_deliver_at",
                table: "sms_simulator_messages",
                columns: new[] { "tenant_id", "deliver_at" },
                filter: "status = 'accepted'");

            migrationBuilder.CreateIndex(
                name: "ix_sms_simulator_messages_tenant_id_idempotency_key",
                table: "sms_simulator_messages",
                columns: new[] { "tenant_id", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sms_simulator_messages_tenant_id_message_id",
                table: "sms_simulator_messages",
                columns: new[] { "tenant_id", "message_id" });

            migrationBuilder.CreateIndex(
                name: "ix_sms_simulator_messages_tenant_id_phone_index",
                table: "sms_simulator_messages",
                columns: new[] { "tenant_id", "phone_index" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sms_inbound");

            migrationBuilder.DropTable(
                name: "sms_provider_settings");

            migrationBuilder.DropTable(
                name: "sms_simulator_messages");

            migrationBuilder.DropIndex(
                name: "ix_sms_messages_tenant_id_provider_message_id",
                table: "sms_messages");
        }
    }
}

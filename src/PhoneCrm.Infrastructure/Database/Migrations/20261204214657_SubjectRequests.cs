using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class SubjectRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "subject_request_challenges",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: false),
                    full_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    email_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    consumed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sms_message_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subject_request_challenges", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_subject_request_challenges_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "subject_request_counters",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    last_number = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subject_request_counters", x => new { x.tenant_id, x.year });
                    table.ForeignKey(
                        name: "fk_subject_request_counters_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "subject_request_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    access_days = table.Column<int>(type: "integer", nullable: true),
                    rectify_days = table.Column<int>(type: "integer", nullable: true),
                    erasure_days = table.Column<int>(type: "integer", nullable: true),
                    withdraw_all_days = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subject_request_settings", x => x.tenant_id);
                    table.CheckConstraint("ck_subject_request_settings_access_days", "access_days IS NULL OR access_days BETWEEN 1 AND 30");
                    table.CheckConstraint("ck_subject_request_settings_erasure_days", "erasure_days IS NULL OR erasure_days BETWEEN 1 AND 30");
                    table.CheckConstraint("ck_subject_request_settings_rectify_days", "rectify_days IS NULL OR rectify_days BETWEEN 1 AND 30");
                    table.CheckConstraint("ck_subject_request_settings_withdraw_all_days", "withdraw_all_days IS NULL OR withdraw_all_days BETWEEN 1 AND 30");
                    table.ForeignKey(
                        name: "fk_subject_request_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "subject_requests",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    extended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    extension_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    full_name_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    email_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    taken_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    taken_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    assignee_id = table.Column<Guid>(type: "uuid", nullable: true),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    verification_method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    verification_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolution = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    rejected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rejection_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    report_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    destruction_act_id = table.Column<Guid>(type: "uuid", nullable: true),
                    due_soon_marked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    overdue_marked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subject_requests", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_subject_requests_channel", "channel IN ('phone','email','web','chat','letter')");
                    table.CheckConstraint("ck_subject_requests_number", "number ~ '^DSR-[0-9]{4}-[0-9]{6}$'");
                    table.CheckConstraint("ck_subject_requests_status", "status IN ('received','verified','completed','rejected')");
                    table.CheckConstraint("ck_subject_requests_type", "type IN ('access','withdraw_all','rectify','erasure')");
                    table.ForeignKey(
                        name: "fk_subject_requests_memberships_tenant_id_assignee_id",
                        columns: x => new { x.tenant_id, x.assignee_id },
                        principalTable: "memberships",
                        principalColumns: new[] { "tenant_id", "user_id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_subject_requests_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "subject_request_notices",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    sms_message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    delivery = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_subject_request_notices", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_subject_request_notices_delivery", "delivery IN ('sms_queued','sms_refused','recorded')");
                    table.ForeignKey(
                        name: "fk_subject_request_notices_subject_requests_tenant_id_request_",
                        columns: x => new { x.tenant_id, x.request_id },
                        principalTable: "subject_requests",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_subject_request_notices_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_subject_request_challenges_tenant_id_created_at",
                table: "subject_request_challenges",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_request_challenges_tenant_id_phone_index_created_at",
                table: "subject_request_challenges",
                columns: new[] { "tenant_id", "phone_index", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_request_notices_tenant_id_request_id_created_at",
                table: "subject_request_notices",
                columns: new[] { "tenant_id", "request_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_open_due",
                table: "subject_requests",
                columns: new[] { "tenant_id", "due_at" },
                filter: "status IN ('received','verified')");

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_tenant_id_assignee_id",
                table: "subject_requests",
                columns: new[] { "tenant_id", "assignee_id" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_tenant_id_contact_id",
                table: "subject_requests",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_tenant_id_due_at_number",
                table: "subject_requests",
                columns: new[] { "tenant_id", "due_at", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_tenant_id_number",
                table: "subject_requests",
                columns: new[] { "tenant_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_subject_requests_tenant_id_phone_index",
                table: "subject_requests",
                columns: new[] { "tenant_id", "phone_index" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "subject_request_challenges");

            migrationBuilder.DropTable(
                name: "subject_request_counters");

            migrationBuilder.DropTable(
                name: "subject_request_notices");

            migrationBuilder.DropTable(
                name: "subject_request_settings");

            migrationBuilder.DropTable(
                name: "subject_requests");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class Surveys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    permission = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    dedup_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_notifications_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "surveys",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    segment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    script = table.Column<string>(type: "jsonb", nullable: false),
                    reward_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_surveys", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_surveys_status", "status IN ('draft','running')");
                    table.ForeignKey(
                        name: "fk_surveys_segments_tenant_id_segment_id",
                        columns: x => new { x.tenant_id, x.segment_id },
                        principalTable: "segments",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_surveys_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "survey_calls",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    skip_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    taken_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_calls", x => new { x.tenant_id, x.survey_id, x.contact_id });
                    table.CheckConstraint("ck_survey_calls_status", "status IN ('queued','in_progress','done','skipped')");
                    table.ForeignKey(
                        name: "fk_survey_calls_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_survey_calls_surveys_tenant_id_survey_id",
                        columns: x => new { x.tenant_id, x.survey_id },
                        principalTable: "surveys",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "survey_responses",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    recording_consent = table.Column<bool>(type: "boolean", nullable: false),
                    answers = table.Column<string>(type: "jsonb", nullable: false),
                    nps = table.Column<int>(type: "integer", nullable: true),
                    callback_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    operator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_responses", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_survey_responses_outcome", "outcome IN ('answered','no_answer','refused','callback')");
                    table.ForeignKey(
                        name: "fk_survey_responses_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_survey_responses_surveys_tenant_id_survey_id",
                        columns: x => new { x.tenant_id, x.survey_id },
                        principalTable: "surveys",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "survey_quality_items",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    survey_id = table.Column<Guid>(type: "uuid", nullable: false),
                    response_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolution = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    resolved_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_survey_quality_items", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_survey_quality_items_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_survey_quality_items_survey_responses_tenant_id_response_id",
                        columns: x => new { x.tenant_id, x.response_id },
                        principalTable: "survey_responses",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_survey_quality_items_surveys_tenant_id_survey_id",
                        columns: x => new { x.tenant_id, x.survey_id },
                        principalTable: "surveys",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_tenant_id_created_at",
                table: "notifications",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_tenant_id_dedup_key",
                table: "notifications",
                columns: new[] { "tenant_id", "dedup_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_survey_calls_due",
                table: "survey_calls",
                columns: new[] { "tenant_id", "survey_id", "due_at", "position" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_survey_calls_tenant_id_contact_id",
                table: "survey_calls",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_quality_items_open",
                table: "survey_quality_items",
                columns: new[] { "tenant_id", "due_at" },
                filter: "resolved_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_survey_quality_items_tenant_id_contact_id",
                table: "survey_quality_items",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_quality_items_tenant_id_response_id",
                table: "survey_quality_items",
                columns: new[] { "tenant_id", "response_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_survey_quality_items_tenant_id_survey_id",
                table: "survey_quality_items",
                columns: new[] { "tenant_id", "survey_id" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_responses_tenant_id_contact_id",
                table: "survey_responses",
                columns: new[] { "tenant_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_survey_responses_tenant_id_survey_id_recorded_at",
                table: "survey_responses",
                columns: new[] { "tenant_id", "survey_id", "recorded_at" });

            migrationBuilder.CreateIndex(
                name: "ix_surveys_tenant_id_created_at",
                table: "surveys",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_surveys_tenant_id_segment_id",
                table: "surveys",
                columns: new[] { "tenant_id", "segment_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "survey_calls");

            migrationBuilder.DropTable(
                name: "survey_quality_items");

            migrationBuilder.DropTable(
                name: "survey_responses");

            migrationBuilder.DropTable(
                name: "surveys");
        }
    }
}

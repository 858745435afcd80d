using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class LeanerSearchKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A contact's keys are derived from its own row, so the triggers find them through the primary key (tenant,
            // token, contact) from the old row's arrays, and the index by contact can go: one structure less per key, ~10
            // per imported contact (issue 18). Imports no longer write whole-word entries of names longer than two letters
            // (no search read them); keys of contacts stored before stay on their rows and are deleted the same way.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION contact_search_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM contact_search_tokens WHERE tenant_id = OLD.tenant_id AND contact_id = OLD.id
                    AND token = ANY (ARRAY(SELECT contact_search_keys(OLD.name_token_indexes, OLD.tags)));
                  INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
                  SELECT NEW.tenant_id, k, NEW.id FROM contact_search_keys(NEW.name_token_indexes, NEW.tags) AS k;
                  RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION contact_search_tokens_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM contact_search_tokens t
                  USING (SELECT r.tenant_id, k, r.id FROM removed r CROSS JOIN LATERAL contact_search_keys(r.name_token_indexes, r.tags) AS k)
                    AS gone (tenant_id, token, contact_id)
                  WHERE t.tenant_id = gone.tenant_id AND t.token = gone.token AND t.contact_id = gone.contact_id;
                  RETURN NULL;
                END $$;
                """);

            migrationBuilder.DropIndex(
                name: "ix_contacts_owner_id",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_tenant_id_owner_id",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contact_search_tokens_tenant_id_contact_id",
                table: "contact_search_tokens");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_owner_id",
                table: "contacts",
                column: "owner_id",
                filter: "owner_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_owner_id",
                table: "contacts",
                columns: new[] { "tenant_id", "owner_id" },
                filter: "owner_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION contact_search_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM contact_search_tokens WHERE tenant_id = OLD.tenant_id AND contact_id = OLD.id;
                  INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
                  SELECT NEW.tenant_id, k, NEW.id FROM contact_search_keys(NEW.name_token_indexes, NEW.tags) AS k;
                  RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION contact_search_tokens_removed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM contact_search_tokens t USING removed r WHERE t.tenant_id = r.tenant_id AND t.contact_id = r.id;
                  RETURN NULL;
                END $$;
                """);

            migrationBuilder.DropIndex(
                name: "ix_contacts_owner_id",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_tenant_id_owner_id",
                table: "contacts");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_owner_id",
                table: "contacts",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tenant_id_owner_id",
                table: "contacts",
                columns: new[] { "tenant_id", "owner_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contact_search_tokens_tenant_id_contact_id",
                table: "contact_search_tokens",
                columns: new[] { "tenant_id", "contact_id" });
        }
    }
}

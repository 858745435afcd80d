using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ContactSearchTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_name_token_indexes",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_tags",
                table: "contacts");

            migrationBuilder.CreateTable(
                name: "contact_search_tokens",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token = table.Column<byte[]>(type: "bytea", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_search_tokens", x => new { x.tenant_id, x.token, x.contact_id });
                    table.ForeignKey(
                        name: "fk_contact_search_tokens_contacts_tenant_id_contact_id",
                        columns: x => new { x.tenant_id, x.contact_id },
                        principalTable: "contacts",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_search_tokens_tenant_id_contact_id",
                table: "contact_search_tokens",
                columns: new[] { "tenant_id", "contact_id" });

            // The keys of a contact (its name entries, and '#' + each tag in UTF-8 — ContactSearchToken.ForTag) in one
            // place for both triggers and the backfill. Bulk inserts (imports) are handled per statement from the
            // transition table; an update rewrites the keys of a contact only when its name entries or tags changed.
            migrationBuilder.Sql("""
                CREATE FUNCTION contact_search_keys(names bytea[], tags text[]) RETURNS SETOF bytea
                LANGUAGE sql STABLE PARALLEL SAFE AS $$
                  SELECT unnest(names) UNION SELECT convert_to('#' || tag, 'UTF8') FROM unnest(tags) AS tag
                $$;

                CREATE FUNCTION contact_search_tokens_added() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
                  SELECT a.tenant_id, k, a.id FROM added a CROSS JOIN LATERAL contact_search_keys(a.name_token_indexes, a.tags) AS k;
                  RETURN NULL;
                END $$;

                CREATE FUNCTION contact_search_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  DELETE FROM contact_search_tokens WHERE tenant_id = OLD.tenant_id AND contact_id = OLD.id;
                  INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
                  SELECT NEW.tenant_id, k, NEW.id FROM contact_search_keys(NEW.name_token_indexes, NEW.tags) AS k;
                  RETURN NULL;
                END $$;

                CREATE TRIGGER contacts_search_tokens_added AFTER INSERT ON contacts REFERENCING NEW TABLE AS added
                  FOR EACH STATEMENT EXECUTE FUNCTION contact_search_tokens_added();
                CREATE TRIGGER contacts_search_tokens_changed AFTER UPDATE OF name_token_indexes, tags ON contacts FOR EACH ROW
                  WHEN (OLD.name_token_indexes IS DISTINCT FROM NEW.name_token_indexes OR OLD.tags IS DISTINCT FROM NEW.tags)
                  EXECUTE FUNCTION contact_search_tokens_changed();

                -- The keys of the contacts already stored, every tenant's: the owner reads past its forced policy for this
                -- one statement (the new table gets its policy after the migrations, from DatabaseMigrator).
                ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY;
                INSERT INTO contact_search_tokens (tenant_id, token, contact_id)
                SELECT c.tenant_id, k, c.id FROM contacts c CROSS JOIN LATERAL contact_search_keys(c.name_token_indexes, c.tags) AS k;
                ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS contacts_search_tokens_added ON contacts;
                DROP TRIGGER IF EXISTS contacts_search_tokens_changed ON contacts;
                DROP FUNCTION IF EXISTS contact_search_tokens_added();
                DROP FUNCTION IF EXISTS contact_search_tokens_changed();
                DROP FUNCTION IF EXISTS contact_search_keys(bytea[], text[]);
                """);

            migrationBuilder.DropTable(
                name: "contact_search_tokens");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_name_token_indexes",
                table: "contacts",
                column: "name_token_indexes")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tags",
                table: "contacts",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PhoneCrm.Infrastructure.Database.Migrations
{
    /// <inheritdoc />
    public partial class ContactsRoomForHotUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The engagement counters (last_engaged_at, unanswered_messages, needs_reverification) are rewritten daily by
            // hygiene-engagement and per event; none is in any index, so with free room on the page PostgreSQL updates the
            // row in place (HOT) instead of adding an entry to each of the table's 13 indexes. New pages keep 10 % free.
            migrationBuilder.Sql("ALTER TABLE contacts SET (fillfactor = 90);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE contacts RESET (fillfactor);");
        }
    }
}

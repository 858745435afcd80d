using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Infrastructure.Database;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running app or database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<PhoneCrmDbContext>
{
    public PhoneCrmDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<PhoneCrmDbContext>()
            .UseNpgsql("Host=localhost;Database=phonecrm_design", o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options,
        new TenantContext());
}

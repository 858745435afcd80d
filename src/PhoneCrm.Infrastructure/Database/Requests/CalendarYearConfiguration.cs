using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PhoneCrm.Domain.Requests;
using PhoneCrm.Domain.Tenancy;

namespace PhoneCrm.Infrastructure.Database.Requests;

internal sealed class CalendarYearConfiguration : IEntityTypeConfiguration<CalendarYear>
{
    public void Configure(EntityTypeBuilder<CalendarYear> b)
    {
        b.ToTable("calendar_years", t => t.HasCheckConstraint("ck_calendar_years_year", "year BETWEEN 2000 AND 2100"));
        b.HasKey(y => new { y.TenantId, y.Year });
        b.HasOne<Tenant>().WithMany().HasForeignKey(y => y.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Infrastructure.Events.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Events;

/// <summary>Events: recording, the computed attributes on the contact, and the events import.</summary>
public static class EventsModule
{
    public static IServiceCollection AddEventsModule(this IServiceCollection services)
    {
        services.AddScoped<EventService>();
        services.AddScoped<ContactStatsUpdater>();
        services.AddScoped<IImportRowHandler, EventImportHandler>();
        return services;
    }
}

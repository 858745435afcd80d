using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Contacts: the contact service, what contact files become in the import pipeline, and the search backfill
/// (job-server nodes only).</summary>
public static class ContactsModule
{
    public static IServiceCollection AddContactsModule(this IServiceCollection services, bool jobServer)
    {
        services.AddScoped<ContactService>();
        if (jobServer) services.AddHostedService<ContactSearchBackfill>();
        services.AddScoped<IImportRowHandler, ContactImportHandler>();
        services.AddScoped<ContactImportReport>();
        return services;
    }
}

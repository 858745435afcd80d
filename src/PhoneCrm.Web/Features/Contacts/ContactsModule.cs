using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Contacts: the contact service and the import pipeline (its jobs run on job-server nodes only).</summary>
public static class ContactsModule
{
    public static IServiceCollection AddContactsModule(this IServiceCollection services, bool jobServer)
    {
        services.AddScoped<ContactService>();
        services.AddScoped<ImportFileStore>();
        services.AddScoped<ImportRun>();
        services.AddScoped<IImportRowHandler, ContactImportHandler>();
        services.AddScoped<ImportService>();
        services.AddScoped<ImportJobs>();
        if (jobServer) services.AddHostedService<ImportRecoveryService>();
        return services;
    }
}

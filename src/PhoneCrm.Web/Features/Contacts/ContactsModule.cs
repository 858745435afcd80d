using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Contacts.Import;
using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Contacts;

/// <summary>Contacts: the contact service and what contact files become in the import pipeline.</summary>
public static class ContactsModule
{
    public static IServiceCollection AddContactsModule(this IServiceCollection services)
    {
        services.AddScoped<ContactService>();
        services.AddScoped<IImportRowHandler, ContactImportHandler>();
        return services;
    }
}

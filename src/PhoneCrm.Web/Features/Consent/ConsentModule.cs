using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>Consent: the ledger, purposes and texts, capture forms, preference links, proofs and the public pages' limits.</summary>
public static class ConsentModule
{
    public static IServiceCollection AddConsentModule(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<ConsentPurposes>();
        services.AddScoped<ConsentTexts>();
        services.AddScoped<ConsentLedger>();
        services.AddScoped<ProofPdf>();
        services.AddScoped<MessageConsentProofs>();
        services.AddScoped<MessageProofPdf>();
        services.AddScoped<CampaignProofArchive>();
        services.AddScoped<CaptureForms>();
        services.AddScoped<FormSubmissions>();
        services.AddScoped<IConsentCodeSender, OutboxConsentCodeSender>();
        services.AddScoped<PreferenceLinks>();
        services.AddScoped<ContactPreferences>();
        // Re-consent (Hygiene): the preferences page confirms what the job asks.
        services.AddScoped<PhoneCrm.Infrastructure.Hygiene.Reconsents>();
        services.AddScoped<PhoneCrm.Infrastructure.Hygiene.ReconsentJob>();
        services.AddSingleton(PhoneCrm.Infrastructure.Hygiene.ReconsentJob.Definition);
        // Number validation (Hygiene): the line-status provider and the quarterly job.
        services.AddLineStatusProviders(config);
        services.AddScoped<PhoneCrm.Infrastructure.Hygiene.ValidateNumbersJob>();
        services.AddSingleton(PhoneCrm.Infrastructure.Hygiene.ValidateNumbersJob.Definition);
        services.AddPublicFormLimits(config);
        return services;
    }
}
